import { buildSchedule, REPAYMENT_METHODS } from "../../app/loans/schedule";
import { arrearsAsOf, instalmentFromSchedule, nextPayment, outstandingPrincipal } from "../../app/loans/servicing";
import type { BenchResult } from "./harness";

// The schedules start through one year (a pure computation: no clock); arrears and the next
// payment are taken mid-way through every one, 17–30 months in.
const FIRST_YEAR = "2026";
const AS_OF = `${Number(FIRST_YEAR) + 2}-06-15`;

/**
 * P5: schedules for 10,000 loans of 60 instalments (all three repayment methods, grace periods),
 * then what the portfolio needs of each: outstanding principal, arrears and the next payment.
 * Pure computation (no database), best of three runs.
 */
export function benchLoanSchedules(loans = 10_000): BenchResult {
  const runs: number[] = [];
  const cpu: number[] = [];
  let instalments = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    instalments = 0;
    for (let i = 0; i < loans; i++) {
      const schedule = buildSchedule({
        principalWon: 10_000_000 + (i % 50) * 1_000_000,
        rateBp: 100 + (i % 5) * 50,
        termMonths: 60,
        graceMonths: i % 4 === 0 ? 12 : 0,
        method: REPAYMENT_METHODS[i % REPAYMENT_METHODS.length] ?? "equal_instalment",
        startDate: `${FIRST_YEAR}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
      });
      const states = schedule.map((row) => instalmentFromSchedule(row));
      outstandingPrincipal(states);
      arrearsAsOf(states, AS_OF, { rateBp: 150, penaltyBp: 450 });
      nextPayment(states, AS_OF, { rateBp: 150, penaltyBp: 450 });
      instalments += schedule.length;
    }
    runs.push((performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1e6);
  }
  const best = Math.min(...runs);
  return {
    id: "P5",
    name: `loan schedules: ${loans.toLocaleString("en-US")} loans × 60 instalments (+ arrears, next payment)`,
    figures: `${best.toFixed(2)} s, CPU ${Math.min(...cpu).toFixed(2)} s (${instalments.toLocaleString("en-US")} instalments; runs ${runs.map((r) => r.toFixed(2)).join(", ")} s)`,
    goal: "< 1 s",
    met: best < 1,
  };
}
