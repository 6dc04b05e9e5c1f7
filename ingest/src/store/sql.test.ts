// Predicate building: quoting, dropped values, and what an empty list means.
import { describe, expect, it } from "vitest";
import { aclPredicate, searchPredicate, sqlIn, sqlString } from "./sql.js";

const p = (...groups: string[]) => ({ id: "t", groups });

describe("sql predicates", () => {
  it("quotes by doubling single quotes and nothing else", () => {
    expect(sqlString("o'brien")).toBe("'o''brien'");
    expect(sqlString("'); drop table x; --")).toBe("'''); drop table x; --'");
    expect(sqlString("a\\'b")).toBe("'a\\''b'");
  });

  it("drops control characters, empty and overlong values, and duplicates", () => {
    expect(sqlIn("id", ["a", "a", "", "b\u0000", "x".repeat(600), "c"])).toBe("id IN ('a', 'c')");
    expect(sqlIn("id", ["\u0007"])).toBeUndefined();
    expect(aclPredicate(p("eng", "eng\n"))).toBe("array_has_any(acl, make_array('eng'))");
    expect(aclPredicate(p())).toBeUndefined();
  });

  it("treats an explicitly empty kinds or sources list as matching nothing", () => {
    expect(searchPredicate({ principal: p("public") })).toBe("array_has_any(acl, make_array('public'))");
    expect(searchPredicate({ principal: p("public"), kinds: ["code"], sources: ["s'1"] })).toBe(
      "array_has_any(acl, make_array('public')) AND kind IN ('code') AND source IN ('s''1')",
    );
    expect(searchPredicate({ principal: p("public"), kinds: [] })).toBeUndefined();
    expect(searchPredicate({ principal: p("public"), sources: [] })).toBeUndefined();
    expect(searchPredicate({ principal: p() })).toBeUndefined();
  });
});
