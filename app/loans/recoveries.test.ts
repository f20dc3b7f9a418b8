import { describe, expect, it } from "vitest";
import { recoveryPosition, recoveryProblem } from "./recoveries";

const facts = { writtenOffWon: 29_990_000, recoveredWon: 10_000_000, writtenOffOn: "2026-11-24", today: "2026-12-10" };

describe("recoveries on a written-off loan", () => {
  it("take money up to what is left of the principal written off", () => {
    expect(recoveryProblem({ amountWon: 19_990_000, receivedOn: "2026-12-10" }, facts)).toBeNull();
    expect(recoveryProblem({ amountWon: 19_990_001, receivedOn: "2026-12-10" }, facts)).toEqual({ error: "recoveryAboveWrittenOff", field: "amountWon" });
    expect(recoveryProblem({ amountWon: 1, receivedOn: "2026-12-10" }, { ...facts, recoveredWon: facts.writtenOffWon })).toEqual({ error: "recoveryAboveWrittenOff", field: "amountWon" });
  });

  it("are dated from the write-off to today", () => {
    expect(recoveryProblem({ amountWon: 1, receivedOn: "2026-11-24" }, facts)).toBeNull();
    expect(recoveryProblem({ amountWon: 1, receivedOn: "2026-11-23" }, facts)).toEqual({ error: "dateBeforeWriteOff", field: "receivedOn" });
    expect(recoveryProblem({ amountWon: 1, receivedOn: "2026-12-11" }, facts)).toEqual({ error: "dateInFuture", field: "receivedOn" });
  });

  it("leave the rest of the write-off as the fund's loss", () => {
    expect(recoveryPosition(29_990_000, 10_000_000)).toEqual({ recoveredWon: 10_000_000, stillLostWon: 19_990_000 });
  });
});
