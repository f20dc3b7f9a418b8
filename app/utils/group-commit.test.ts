import { describe, expect, it } from "vitest";
import { groupCommit, groupCommitPer } from "./group-commit";

/** A group runner that records each group and finishes when told to. */
function recorder(fail: (input: number) => boolean = () => false) {
  const groups: number[][] = [];
  const release: (() => void)[] = [];
  const run = async (inputs: readonly number[]) => {
    groups.push([...inputs]);
    await new Promise<void>((done) => release.push(done));
    if (inputs.some(fail)) throw new Error(`refused ${inputs.filter(fail).join(",")}`);
    return inputs.map((n) => n * 10);
  };
  const finishAll = async () => {
    while (release.length > 0) {
      release.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { groups, run, finishAll };
}

describe("group commit", () => {
  it("runs a lone call at once, alone", async () => {
    const r = recorder();
    const call = groupCommit(r.run, { maxGroup: 10 });
    const answer = call(1);
    expect(r.groups).toEqual([[1]]);
    await r.finishAll();
    expect(await answer).toBe(10);
  });

  it("sends the calls that arrive during a group together in the next, up to the largest group", async () => {
    const r = recorder();
    const call = groupCommit(r.run, { maxGroup: 3 });
    const answers = [1, 2, 3, 4, 5, 6].map((n) => call(n));
    expect(r.groups).toEqual([[1]]);
    await r.finishAll();
    expect(r.groups).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it("gives a group's error only to the caller whose input caused it", async () => {
    const r = recorder((n) => n === 3);
    const call = groupCommit(r.run, { maxGroup: 10 });
    const answers = [1, 2, 3, 4].map((n) => call(n).then(
      (value) => ({ value }),
      (error: Error) => ({ error: error.message }),
    ));
    await r.finishAll();
    expect(await Promise.all(answers)).toEqual([{ value: 10 }, { value: 20 }, { error: "refused 3" }, { value: 40 }]);
    // The failed group of three, then each of its inputs alone.
    expect(r.groups).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it("keeps serving after a failure", async () => {
    const r = recorder((n) => n < 0);
    const call = groupCommit(r.run, { maxGroup: 10 });
    const refused = call(-1).catch((error: Error) => error.message);
    await r.finishAll();
    expect(await refused).toBe("refused -1");
    const later = call(7);
    await r.finishAll();
    expect(await later).toBe(70);
  });

  it("groups each owner's callers apart from another's", async () => {
    const first = recorder();
    const second = recorder();
    const owners = { first, second };
    const call = groupCommitPer((owner: { name: "first" | "second" }, inputs: readonly number[]) => owners[owner.name].run(inputs), { maxGroup: 10 });
    const [a, b] = [{ name: "first" as const }, { name: "second" as const }];
    const answers = [call(a, 1), call(b, 2), call(a, 3), call(b, 4), call(a, 5)];
    // Each owner's first call runs at once, its next ones wait for it together.
    expect(first.groups).toEqual([[1]]);
    expect(second.groups).toEqual([[2]]);
    await first.finishAll();
    await second.finishAll();
    expect(first.groups).toEqual([[1], [3, 5]]);
    expect(second.groups).toEqual([[2], [4]]);
    expect(await Promise.all(answers)).toEqual([10, 20, 30, 40, 50]);
  });
});
