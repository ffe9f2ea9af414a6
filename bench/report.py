"""The bench's report: each page summed up over runs (keystrokes pooled, visits as medians), each target
checked against the worst page for its figure, and the table bench/run.py prints."""

from __future__ import annotations

import statistics

TARGET_NUMBERS_P95_MS = 50.0
TARGET_CHART_P95_MS = 100.0
TARGET_REPEAT_LIVE_MS = 1000.0
TARGET_STOCK_RATIO = 0.6  # cold live / stock Pyodide boot (issue 21)
TARGET_COLD_RATIO = 0.8  # cold live / bare worker boot (issue 13)
TARGET_FIRST_VISIT_BYTES = 12_000_000  # gzip, the whole first visit: page, runtime, service worker and precache


def pct(values: list[float], q: int) -> float | None:
    """The q-th percentile by rank (nearest rank), rounded to 0.1 ms; None for no values.

    >>> pct([10, 20, 30, 40], 50), pct([10, 20, 30, 40], 95), pct([], 50)
    (20, 40, None)
    """
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))], 1)


def summarise_page(path: str, samples: list[dict], bares: list[float], stocks: list[float] = ()) -> dict:
    """One page over every run and service-worker mode: keystrokes pooled, visit figures as medians."""
    numbers = [x for s in samples for x in s.get("keys", {}).get("numbers_ms", [])]
    charts = [x for s in samples for x in s.get("keys", {}).get("chart_ms", [])]

    def med(key, mode=None):
        values = [s[key] for s in samples if s.get(key) is not None and (mode is None or s["sw"] == mode)]
        return round(statistics.median(values), 1) if values else None

    ratios = [s["cold_live_ms"] / s["bare_ms"] for s in samples if s.get("bare_ms")]
    stock_ratios = [s["cold_live_ms"] / s["stock_ms"] for s in samples if s.get("stock_ms")]
    first_visit = [s["first_visit_wire"]["gzip"] for s in samples if s.get("first_visit_wire")]
    keyed = next((s["keys"] for s in samples if s.get("keys", {}).get("field")), {})
    wire_gzip = [s["wire_before_live"]["gzip"] for s in samples]
    wire_br = [s["wire_before_live"]["brotli"] for s in samples if s["wire_before_live"]["brotli"] is not None]
    return {
        "page": path,
        "widget": keyed.get("widget"),
        "field": keyed.get("field"),
        "keystrokes": len(numbers),
        "numbers_p50_ms": pct(numbers, 50),
        "numbers_p95_ms": pct(numbers, 95),
        "chart_p50_ms": pct(charts, 50),
        "chart_p95_ms": pct(charts, 95),
        "cold_live_ms": med("cold_live_ms"),
        "cold_answer_ms": med("cold_answer_ms"),
        "stock_ms": round(statistics.median(stocks), 1) if stocks else None,
        "stock_ratio": round(statistics.median(stock_ratios), 2) if stock_ratios else None,
        "bare_ms": round(statistics.median(bares), 1) if bares else None,
        "cold_ratio": round(statistics.median(ratios), 2) if ratios else None,
        "restored": sum(1 for s in samples if s.get("cold_restored")),
        "first_visit_gzip": int(statistics.median(first_visit)) if first_visit else None,
        "repeat_live_sw_ms": med("repeat_live_ms", "on"),
        "repeat_live_nosw_ms": med("repeat_live_ms", "off"),
        "sw_active_ms": med("sw_active_ms", "on"),
        "wire_gzip": int(statistics.median(wire_gzip)) if wire_gzip else None,
        "wire_brotli": int(statistics.median(wire_br)) if wire_br else None,
        "wire_sent": int(statistics.median(s["wire_before_live"]["sent"] for s in samples)),
    }


def fmt_ms(v) -> str:
    return "-" if v is None else (f"{v:.0f}" if v >= 10 else f"{v:.1f}")


def fmt_ratio(v) -> str:
    return "-" if v is None else f"{v:.2f}"


def fmt_mb(v) -> str:
    return "-" if v is None else f"{v / 1e6:.2f}"


def targets(pages: list[dict]) -> list[tuple[str, bool | None, str]]:
    """Each target against the worst page for that figure."""

    def worst(key):
        have = [p for p in pages if p.get(key) is not None]
        return max(have, key=lambda p: p[key]) if have else None

    out = []
    for label, key, limit, show in (
        ("keystroke -> numbers p95", "numbers_p95_ms", TARGET_NUMBERS_P95_MS, lambda v: f"{v:.0f} ms"),
        ("keystroke -> chart painted p95", "chart_p95_ms", TARGET_CHART_P95_MS, lambda v: f"{v:.0f} ms"),
        ("repeat visit live (service worker)", "repeat_live_sw_ms", TARGET_REPEAT_LIVE_MS, lambda v: f"{v:.0f} ms"),
        (
            "repeat visit live (no service worker)",
            "repeat_live_nosw_ms",
            TARGET_REPEAT_LIVE_MS,
            lambda v: f"{v:.0f} ms",
        ),
        ("cold live / stock Pyodide boot", "stock_ratio", TARGET_STOCK_RATIO, lambda v: f"{v:.2f}x"),
        ("cold live / bare worker boot", "cold_ratio", TARGET_COLD_RATIO, lambda v: f"{v:.2f}x"),
        ("first visit in all (gzip -9)", "first_visit_gzip", TARGET_FIRST_VISIT_BYTES, lambda v: f"{v / 1e6:.2f} MB"),
    ):
        page = worst(key)
        if page is None:
            continue
        value = page[key]
        ok = value <= limit
        miss = "" if ok else f"; over by {show(value - limit)}"
        out.append((f"{label} <= {show(limit)}", ok, f"worst {show(value)} on {page['page']}{miss}"))
    return out


def print_report(results: dict, pages: list[dict], checks, compression: str) -> None:
    load = " / ".join(", ".join(f"{x:.2f}" for x in results[k]) for k in ("loadavg_start", "loadavg_end"))
    print(
        f"\nChromium {results['chromium']}, {results['cpus']} CPUs, load average at start / end: {load}; "
        f"{results['runs']} run(s), service worker: {results['sw']}; compressed: {compression}"
    )
    head = (
        f"{'page':30} {'field':16} {'n':>3} {'num p50/p95':>11} {'chart p50/p95':>13} {'cold':>5} {'answer':>6} "
        f"{'stock':>5} {'/stk':>5} {'bare':>5} {'/bare':>5} {'rep SW':>6} {'noSW':>5} {'live gz':>7} {'visit gz':>8}"
    )
    print(head)
    for p in pages:
        print(
            f"{p['page']:30} {p['field']!s:16} {p['keystrokes']:>3} "
            f"{fmt_ms(p['numbers_p50_ms']) + '/' + fmt_ms(p['numbers_p95_ms']):>11} "
            f"{fmt_ms(p['chart_p50_ms']) + '/' + fmt_ms(p['chart_p95_ms']):>13} "
            f"{fmt_ms(p['cold_live_ms']):>5} {fmt_ms(p['cold_answer_ms']):>6} "
            f"{fmt_ms(p['stock_ms']):>5} {fmt_ratio(p['stock_ratio']):>5} "
            f"{fmt_ms(p['bare_ms']):>5} {fmt_ratio(p['cold_ratio']):>5} "
            f"{fmt_ms(p['repeat_live_sw_ms']):>6} {fmt_ms(p['repeat_live_nosw_ms']):>5} "
            f"{fmt_mb(p['wire_gzip']):>7} {fmt_mb(p['first_visit_gzip']):>8}"
        )
    print(
        "(ms; pages slowest first by keystroke -> chart p95; cold/repeat = every widget live, from navigation start;\n"
        " answer = a change made at live answered; stock = npm Pyodide booting one line on the main thread;\n"
        " MB at gzip -9: before live, and the whole first visit with the service worker's precache)"
    )
    print("\ntargets (worst page for each figure):")
    for name, ok, detail in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
