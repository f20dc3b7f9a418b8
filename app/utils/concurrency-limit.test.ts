import { describe, expect, it } from "vitest";
import { concurrencyLimit } from "./concurrency-limit";

/** A task that records when it starts and finishes when told to. */
function tasks() {
  const started: string[] = [];
  const finish = new Map<string, (fail: boolean) => void>();
  const task = (name: string) => () =>
    new Promise<string>((resolve, reject) => {
      started.push(name);
      finish.set(name, (fail) => (fail ? reject(new Error(`${name} failed`)) : resolve(name)));
    });
  const settle = () => new Promise((r) => setImmediate(r));
  return { started, finish: (name: string, fail = false) => finish.get(name)?.(fail), task, settle };
}

describe("concurrency limit", () => {
  it("runs up to its slots at once, then starts the others in the order they came", async () => {
    const t = tasks();
    const limit = concurrencyLimit(2);
    const results = ["a", "b", "c", "d"].map((name) => limit(t.task(name)));
    await t.settle();
    expect(t.started).toEqual(["a", "b"]);
    t.finish("b");
    await t.settle();
    expect(t.started).toEqual(["a", "b", "c"]);
    t.finish("a");
    await t.settle();
    expect(t.started).toEqual(["a", "b", "c", "d"]);
    t.finish("c");
    t.finish("d");
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d"]);
  });

  it("frees the slot of a task that fails, and gives the failure to its own caller only", async () => {
    const t = tasks();
    const limit = concurrencyLimit(1);
    const first = limit(t.task("first"));
    const second = limit(t.task("second"));
    await t.settle();
    t.finish("first", true);
    await expect(first).rejects.toThrow("first failed");
    await t.settle();
    expect(t.started).toEqual(["first", "second"]);
    t.finish("second");
    expect(await second).toBe("second");
  });

  it("refuses a limit without a slot", () => {
    expect(() => concurrencyLimit(0)).toThrow("at least one slot");
  });
});
