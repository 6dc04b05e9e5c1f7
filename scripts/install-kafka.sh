#!/usr/bin/env bash
# Fetches Apache Kafka (KRaft broker) from Maven Central into ~/.cache/isa-kafka/<version>/libs, once.
# Idempotent: a complete cache (marked by .complete) returns at once. Uses Maven (Debian's `maven` is installed
# when missing and we are root). Prints the libs folder on stdout.
set -euo pipefail
KAFKA_VERSION="${ISA_KAFKA_VERSION:-4.4.0}"
CACHE="${ISA_KAFKA_CACHE:-$HOME/.cache/isa-kafka}/$KAFKA_VERSION"
LIBS="$CACHE/libs"
if [ -f "$CACHE/.complete" ]; then echo "$LIBS"; exit 0; fi

if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "install-kafka: installing Java 17 (Debian's openjdk-17-jre-headless)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless >&2; }
  else
    echo "install-kafka: java (17+) is missing and cannot be installed here" >&2; exit 1
  fi
fi
if ! command -v mvn >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "install-kafka: installing Debian's maven" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends maven >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends maven >&2; }
  else
    echo "install-kafka: mvn is missing and cannot be installed here" >&2; exit 1
  fi
fi

mkdir -p "$CACHE"
tmp="$(mktemp -d "$CACHE/.resolve.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# The broker (kafka_2.13 pulls the server, raft, metadata, storage and coordinator modules and Scala; the storage
# formatter kafka.tools.StorageTool is in it too) and a log4j2 binding with slf4j 2 (some transitive deps ask for
# slf4j 1.7; the pin wins), so the broker logs through log4j2 as its distribution does.
cat >"$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>isa</groupId><artifactId>kafka-broker-libs</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.17</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$tmp/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs" >&2
rm -rf "$LIBS"
mv "$tmp/libs" "$LIBS"
# The local repository is only a download cache; the jars now live in libs/.
rm -rf "$CACHE/m2"
touch "$CACHE/.complete"
echo "$LIBS"
