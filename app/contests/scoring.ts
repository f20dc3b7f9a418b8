// The contest score: final = w_jury × mean jury score + w_peer × mean peer score (domain.md).
// Scores are compared exactly as fractions (BigInt), so a tie is a real tie and never an
// artefact of rounding; rounded numbers are only for display.

export const MAX_CRITERION_SCORE = 100;

export interface Criterion {
  id: number;
  /** Whole percent; the criteria of a contest sum to 100. */
  weightPct: number;
}

/** One evaluator's scores for one application: criterion id → 0..100. */
export type ScoreSheet = Record<number, number>;

export interface Candidate {
  applicationId: number;
  /** When the application was submitted (ms since epoch): the last tie-break. */
  submittedAtMs: number;
  jurySheets: ScoreSheet[];
  peerSheets: ScoreSheet[];
}

export interface ScoreWeights {
  juryPct: number;
  peerPct: number;
}

/** An exact non-negative rational number. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

export type TieBreak = "jury" | "submission" | "id" | null;

export interface RankedCandidate {
  applicationId: number;
  rank: number;
  selected: boolean;
  final: Fraction;
  jury: Fraction;
  /** null when the contest has no peer evaluation. */
  peer: Fraction | null;
  /** Rounded to 0.001 point, for display and storage. */
  finalScore: number;
  juryScore: number;
  peerScore: number | null;
  /** How this candidate was separated from the one ranked just above it when the final scores tie. */
  tieBrokenBy: TieBreak;
}

export type RankingResult = { ok: true; ranking: RankedCandidate[] } | { ok: false; missing: { applicationId: number; needs: "jury" | "peer" }[] };

export function validateCriteria(criteria: Criterion[]): "empty" | "weights" | null {
  if (criteria.length === 0) return "empty";
  if (criteria.some((c) => !Number.isInteger(c.weightPct) || c.weightPct < 1 || c.weightPct > 100)) return "weights";
  return criteria.reduce((sum, c) => sum + c.weightPct, 0) === 100 ? null : "weights";
}

export function validateWeights(weights: ScoreWeights): boolean {
  return (
    Number.isInteger(weights.juryPct) &&
    Number.isInteger(weights.peerPct) &&
    weights.juryPct >= 0 &&
    weights.peerPct >= 0 &&
    weights.juryPct + weights.peerPct === 100 &&
    weights.juryPct > 0
  );
}

/** Σ weight × score over the criteria: hundredths of a point, 0..10000. Refuses incomplete sheets. */
export function sheetTotal(criteria: Criterion[], sheet: ScoreSheet): number {
  let total = 0;
  for (const criterion of criteria) {
    const score = sheet[criterion.id];
    if (score === undefined || !Number.isInteger(score) || score < 0 || score > MAX_CRITERION_SCORE) {
      throw new RangeError(`score sheet is missing or has a bad score for criterion ${criterion.id}`);
    }
    total += criterion.weightPct * score;
  }
  return total;
}

/** Mean of the sheets' weighted totals, in points (0..100). */
export function meanScore(criteria: Criterion[], sheets: ScoreSheet[]): Fraction {
  if (sheets.length === 0) throw new RangeError("no score sheets");
  const sum = sheets.reduce((acc, sheet) => acc + BigInt(sheetTotal(criteria, sheet)), 0n);
  return { num: sum, den: BigInt(sheets.length) * 100n };
}

export function finalScore(criteria: Criterion[], weights: ScoreWeights, candidate: Pick<Candidate, "jurySheets" | "peerSheets">): Fraction {
  const jury = meanScore(criteria, candidate.jurySheets);
  const juryPart: Fraction = { num: jury.num * BigInt(weights.juryPct), den: jury.den * 100n };
  if (weights.peerPct === 0) return juryPart;
  const peer = meanScore(criteria, candidate.peerSheets);
  const peerPart: Fraction = { num: peer.num * BigInt(weights.peerPct), den: peer.den * 100n };
  return add(juryPart, peerPart);
}

function add(a: Fraction, b: Fraction): Fraction {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

/** -1, 0 or 1, exactly. */
export function compareFractions(a: Fraction, b: Fraction): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Rounded half up to 0.001. */
export function toScore(value: Fraction): number {
  const thousandths = (value.num * 1000n * 2n + value.den) / (value.den * 2n);
  return Number(thousandths) / 1000;
}

/**
 * Ranks the candidates (those still in the running after screening) and selects the top N.
 * Order: final score, then jury score, then earlier submission, then application id (so the
 * order is total and the same every time).
 */
export function rankApplications(criteria: Criterion[], weights: ScoreWeights, candidates: Candidate[], selectCount: number): RankingResult {
  if (validateCriteria(criteria) !== null) throw new RangeError("criteria weights must be whole percents summing to 100");
  if (!validateWeights(weights)) throw new RangeError("jury and peer weights must be whole percents summing to 100");
  if (!Number.isInteger(selectCount) || selectCount < 1) throw new RangeError("select count must be a positive integer");
  const missing: { applicationId: number; needs: "jury" | "peer" }[] = [];
  for (const c of candidates) {
    if (c.jurySheets.length === 0) missing.push({ applicationId: c.applicationId, needs: "jury" });
    if (weights.peerPct > 0 && c.peerSheets.length === 0) missing.push({ applicationId: c.applicationId, needs: "peer" });
  }
  if (missing.length > 0) return { ok: false, missing };

  const scored = candidates.map((c) => {
    const jury = meanScore(criteria, c.jurySheets);
    const peer = weights.peerPct > 0 ? meanScore(criteria, c.peerSheets) : null;
    return { candidate: c, jury, peer, final: finalScore(criteria, weights, c) };
  });
  scored.sort(
    (a, b) =>
      compareFractions(b.final, a.final) ||
      compareFractions(b.jury, a.jury) ||
      a.candidate.submittedAtMs - b.candidate.submittedAtMs ||
      a.candidate.applicationId - b.candidate.applicationId,
  );
  const ranking = scored.map((s, index): RankedCandidate => {
    const above = index > 0 ? scored[index - 1] : undefined;
    let tieBrokenBy: TieBreak = null;
    if (above && compareFractions(above.final, s.final) === 0) {
      if (compareFractions(above.jury, s.jury) !== 0) tieBrokenBy = "jury";
      else if (above.candidate.submittedAtMs !== s.candidate.submittedAtMs) tieBrokenBy = "submission";
      else tieBrokenBy = "id";
    }
    return {
      applicationId: s.candidate.applicationId,
      rank: index + 1,
      selected: index < selectCount,
      final: s.final,
      jury: s.jury,
      peer: s.peer,
      finalScore: toScore(s.final),
      juryScore: toScore(s.jury),
      peerScore: s.peer ? toScore(s.peer) : null,
      tieBrokenBy,
    };
  });
  return { ok: true, ranking };
}
