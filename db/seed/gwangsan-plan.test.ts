import { describe, expect, it } from "vitest";
import { GWANGSAN_PUBLISHED, gwangsanPledges, gwangsanProjects, gwangsanResidents } from "./gwangsan-plan";

describe("the Gwangsan 2016 demo round", () => {
  const plan = gwangsanPledges();
  const successful = gwangsanProjects.filter((p) => p.succeeded);

  it("adds up to the published outcome: 6 organisations, 277 people, 9,600,000 won", () => {
    expect(gwangsanProjects).toHaveLength(8);
    expect(successful).toHaveLength(GWANGSAN_PUBLISHED.organisations);
    const people = new Set(successful.flatMap((p) => (plan.get(p.slug) ?? []).map((pledge) => pledge.backer)));
    expect(people.size).toBe(GWANGSAN_PUBLISHED.people);
    const raised = successful.reduce((sum, p) => sum + (plan.get(p.slug) ?? []).reduce((s, pledge) => s + pledge.amount, 0) + p.offlineWon, 0);
    expect(raised).toBe(GWANGSAN_PUBLISHED.amountWon);
  });

  it("gives every project exactly its own total and backer count, with positive whole-won amounts inside the window", () => {
    for (const project of gwangsanProjects) {
      const pledges = plan.get(project.slug) ?? [];
      expect(pledges.reduce((s, p) => s + p.amount, 0)).toBe(project.onlineWon);
      expect(new Set(pledges.map((p) => p.backer)).size).toBe(project.backers);
      for (const pledge of pledges) {
        expect(Number.isSafeInteger(pledge.amount) && pledge.amount > 0).toBe(true);
        expect(pledge.day).toBeGreaterThanOrEqual(0);
        expect(pledge.day).toBeLessThan(50);
      }
      expect(project.succeeded ? project.onlineWon + project.offlineWon >= project.goalWon : project.onlineWon < project.goalWon).toBe(true);
    }
  });

  it("draws failed projects' backers from the same 277 people", () => {
    const everyone = new Set(gwangsanResidents().map((r) => r.email));
    expect(everyone.size).toBe(GWANGSAN_PUBLISHED.people);
    for (const project of gwangsanProjects.filter((p) => !p.succeeded)) {
      for (const pledge of plan.get(project.slug) ?? []) expect(everyone.has(pledge.backer)).toBe(true);
    }
  });
});
