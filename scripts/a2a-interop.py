# Interop check: the official Python a2a-sdk (1.3.x, PyPI) client against `isa serve-a2a` (docs, dev, root):
# send and stream, get_task, list_tasks, artifact text+data parts, and a refused call without a token.
# Usage: python scripts/a2a-interop.py http://127.0.0.1:8090 "$TOKEN"   (pip install "a2a-sdk[http-server]==1.3.0" httpx)
import asyncio, sys, uuid
import httpx
from google.protobuf.json_format import MessageToDict
from a2a.client import ClientConfig, create_client
from a2a.types import SendMessageRequest, Message, Part, Role, GetTaskRequest, ListTasksRequest, TaskState

BASE = sys.argv[1]; TOKEN = sys.argv[2]
ok = 0; bad = 0
def check(name, cond, info=""):
    global ok, bad
    if cond: ok += 1; print("PASS", name)
    else: bad += 1; print("FAIL", name, info)

def req(text):
    return SendMessageRequest(message=Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER, parts=[Part(text=text)]))

async def main():
    for agent in ["docs", "dev", "root"]:
        for streaming in [False, True]:
            http = httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
            client = await create_client(f"{BASE}/agents/{agent}", client_config=ClientConfig(streaming=streaming, httpx_client=http))
            events = []
            async for ev in client.send_message(req("How do I rotate the staging database password?")):
                events.append(ev)
            kinds = [ev.WhichOneof("payload") for ev in events]
            task = None
            for ev in events:
                if ev.WhichOneof("payload") == "task": task = ev.task
                if ev.WhichOneof("payload") == "status_update": last_state = ev.status_update.status.state
            tid = task.id if task else (events[0].status_update.task_id if events else "")
            got = await client.get_task(GetTaskRequest(id=tid))
            check(f"{agent} streaming={streaming} completed", got.status.state == TaskState.TASK_STATE_COMPLETED, kinds)
            parts = got.artifacts[0].parts if got.artifacts else []
            data = [MessageToDict(p.data) for p in parts if p.WhichOneof("content") == "data"]
            check(f"{agent} streaming={streaming} artifact text+data", len(parts) == 2 and len(data) == 1, parts)
            if streaming: check(f"{agent} stream kinds", "artifact_update" in kinds and kinds[-1] == "status_update", kinds)
            if data: print("   answeredBy", data[0].get("answeredBy"), "citations", [c.get("path") for c in data[0].get("citations", [])])
            lt = await client.list_tasks(ListTasksRequest())
            check(f"{agent} list_tasks has it", any(t.id == tid for t in lt.tasks))
            await client.close()
    # no token: the client must fail
    http = httpx.AsyncClient(timeout=30)
    client = await create_client(f"{BASE}/agents/docs", client_config=ClientConfig(streaming=False, httpx_client=http))
    try:
        async for _ in client.send_message(req("x")): pass
        check("no token refused", False)
    except Exception as e:
        check("no token refused", "401" in str(e) or "nauth" in str(e), repr(e))
    print(f"{ok} passed, {bad} failed")
    sys.exit(1 if bad else 0)
asyncio.run(main())
