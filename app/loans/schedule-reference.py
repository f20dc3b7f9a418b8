#!/usr/bin/env python3
"""Independent reference for app/loans/schedule.ts, written from domain.md alone (exact
fractions, Python's own calendar), used to derive the expected figures in schedule.test.ts.

    python3 app/loans/schedule-reference.py

Rules: due dates monthly on the disbursement day (clamped to the month's end, anchored on the
disbursement, not chained); interest per period = floor(outstanding * rate_bp * days / (10000 * 365));
equal instalment A = floor(P * i * (1+i)^n / ((1+i)^n - 1)) with i = rate_bp / 120000 exactly,
principal = A - interest; equal principal = floor(P / n); grace periods interest only; the last
instalment takes all principal left."""
from fractions import Fraction
from datetime import date
import calendar


def add_months(d, k):
    m = d.month - 1 + k
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def interest(outstanding, bp, days):
    return (outstanding * bp * days) // (10000 * 365)


def annuity(P, bp, n):
    if bp == 0:
        return P // n
    i = Fraction(bp, 120000)
    return int(P * i * (1 + i) ** n / ((1 + i) ** n - 1))


def amortise(P, bp, method, periods, first=1):
    """periods: list of (start, due, interest_only)."""
    n = sum(1 for p in periods if not p[2])
    A = annuity(P, bp, n) if method == 'equal_instalment' and n else None
    out = P
    rows = []
    for k, (start, due, io) in enumerate(periods):
        days = (due - start).days
        it = interest(out, bp, days)
        if k == len(periods) - 1:
            pr = out
        elif io or method == 'bullet':
            pr = 0
        elif method == 'equal_principal':
            pr = P // n
        else:
            pr = max(0, A - it)
        rows.append(dict(n=first + k, start=start.isoformat(), due=due.isoformat(), days=days, opening=out, principal=pr, interest=it))
        out -= pr
    return rows, A


def schedule(P, bp, term, method, grace, start):
    s = date.fromisoformat(start)
    dues = [add_months(s, k) for k in range(1, term + 1)]
    periods = [((s if k == 0 else dues[k - 1]), dues[k], method == 'bullet' or k < grace) for k in range(term)]
    return amortise(P, bp, method, periods)


def show(title, rows, A=None):
    print(f"\n== {title}" + (f"  (annuity {A})" if A else ""))
    print("  principal:", [r['principal'] for r in rows])
    print("  interest: ", [r['interest'] for r in rows])
    print("  days:     ", [r['days'] for r in rows])
    print("  dues:     ", [r['due'] for r in rows])
    print("  sum interest", sum(r['interest'] for r in rows), "sum principal", sum(r['principal'] for r in rows))


if __name__ == '__main__':
    # The Jeonbuk product: 100,000,000 won at 100 bp over 24 months, paid out 2026-01-15.
    for method in ['bullet', 'equal_instalment', 'equal_principal']:
        rows, A = schedule(100_000_000, 100, 24, method, 0, '2026-01-15')
        show(f"100M 100bp 24m {method}", rows, A)

    # Month ends and a leap February: paid out 2028-01-31.
    rows, _ = schedule(50_000_000, 250, 3, 'bullet', 0, '2028-01-31')
    show("50M 250bp 3m bullet from 2028-01-31", rows)
    rows, A = schedule(12_000_000, 300, 12, 'equal_instalment', 3, '2027-11-30')
    show("12M 300bp 12m equal_instalment grace 3 from 2027-11-30", rows, A)
    rows, _ = schedule(10_000_001, 100, 7, 'equal_principal', 2, '2026-03-31')
    show("10,000,001 100bp 7m equal_principal grace 2 from 2026-03-31", rows)

    # Prepayment: bullet from 2026-01-15, instalments 1-5 paid, 40,000,000 principal prepaid on 2026-06-25.
    rows, _ = schedule(100_000_000, 100, 24, 'bullet', 0, '2026-01-15')
    pp = date(2026, 6, 25)
    accrued = interest(100_000_000, 100, (pp - date(2026, 6, 15)).days)
    print("\n== bullet prepayment 2026-06-25: accrued interest", accrued, "amount", accrued + 40_000_000)
    rest = [r for r in rows if r['n'] >= 6]
    periods = [((pp if k == 0 else date.fromisoformat(r['start'])), date.fromisoformat(r['due']), True) for k, r in enumerate(rest)]
    new, _ = amortise(60_000_000, 100, 'bullet', periods, first=7)
    show("bullet after prepayment (numbers from 7)", new)

    # Prepayment: equal instalment, 1-5 paid, 20,000,000 principal prepaid on 2026-06-25.
    rows, A = schedule(100_000_000, 100, 24, 'equal_instalment', 0, '2026-01-15')
    out = rows[5]['opening']
    accrued = interest(out, 100, 10)
    print("\n== equal_instalment prepayment: outstanding", out, "accrued", accrued, "amount", accrued + 20_000_000)
    rest = [r for r in rows if r['n'] >= 6]
    periods = [((pp if k == 0 else date.fromisoformat(r['start'])), date.fromisoformat(r['due']), False) for k, r in enumerate(rest)]
    new, A2 = amortise(out - 20_000_000, 100, 'equal_instalment', periods, first=7)
    show("equal_instalment after prepayment", new, A2)

    # Extension: equal principal 100M/24m, 12 paid, extended by 12 months at 2027-01-20.
    rows, _ = schedule(100_000_000, 100, 24, 'equal_principal', 0, '2026-01-15')
    out = rows[12]['opening']
    s = date(2026, 1, 15)
    dues = [add_months(s, k) for k in range(13, 37)]
    periods = [((date(2027, 1, 15) if k == 0 else dues[k - 1]), dues[k], False) for k in range(24)]
    new, _ = amortise(out, 100, 'equal_principal', periods, first=13)
    show(f"equal_principal extension by 12 from 13 (outstanding {out})", new)

    # Penalty: (base, bp, days)
    for base, bp, days in [(84_931, 400, 10), (100_084_931, 400, 45), (100_000, 400, 10), (4_210_208, 400, 31), (4_210_208, 400, 92)]:
        print("penalty", base, bp, days, "=", interest(base, bp, days))
