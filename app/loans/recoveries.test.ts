import { describe, expect, it } from "vitest";
import { seoulDate, startOfSeoulDay } from "../utils/dates";
import { recoveryPosition, recoveryProblem } from "./recoveries";

const WRITTEN_OFF_ON = "2026-11-24";
/** The Seoul date `days` after the write-off (the rules are pure: "today" is an input). */
const afterWriteOff = (days: number) => seoulDate(new Date(startOfSeoulDay(WRITTEN_OFF_ON).getTime() + days * 86_400_000));
const TODAY = afterWriteOff(16);
const facts = { writtenOffWon: 29_990_000, recoveredWon: 10_000_000, writtenOffOn: WRITTEN_OFF_ON, today: TODAY };

describe("recoveries on a written-off loan", () => {
  it("take money up to what is left of the principal written off", () => {
    expect(recoveryProblem({ amountWon: 19_990_000, receivedOn: TODAY }, facts)).toBeNull();
    expect(recoveryProblem({ amountWon: 19_990_001, receivedOn: TODAY }, facts)).toEqual({ error: "recoveryAboveWrittenOff", field: "amountWon" });
    expect(recoveryProblem({ amountWon: 1, receivedOn: TODAY }, { ...facts, recoveredWon: facts.writtenOffWon })).toEqual({ error: "recoveryAboveWrittenOff", field: "amountWon" });
  });

  it("are dated from the write-off to today", () => {
    expect(recoveryProblem({ amountWon: 1, receivedOn: WRITTEN_OFF_ON }, facts)).toBeNull();
    expect(recoveryProblem({ amountWon: 1, receivedOn: afterWriteOff(-1) }, facts)).toEqual({ error: "dateBeforeWriteOff", field: "receivedOn" });
    expect(recoveryProblem({ amountWon: 1, receivedOn: afterWriteOff(17) }, facts)).toEqual({ error: "dateInFuture", field: "receivedOn" });
  });

  it("leave the rest of the write-off as the fund's loss", () => {
    expect(recoveryPosition(29_990_000, 10_000_000)).toEqual({ recoveredWon: 10_000_000, stillLostWon: 19_990_000 });
  });
});
