"""Same-die pairs at two board powers: the runs' per-GPU ratio against the model's (a diagnostic).

    PYTHONPATH=. python3 bench/same_die_pairs.py                       (~10 s CPU: validate once)
    PYTHONPATH=. python3 bench/same_die_pairs.py --with die_clock      (any of validate's MECHANISMS)

Each pair is one die under two board limits, run by one submitter in one round with the same engine class: GB200
(1,200 W) against B200 (1,000 W), GB300 (1,400 W) against B300 (1,100 W), H200 SXM (700 W) against H200 NVL (600 W).
It prints each run's measured and modelled tokens/s a GPU, then the pair's ratio (higher-power chip over the lower)
measured and modelled. Figures are public: printed, never fitted (docs/accuracy.md "One die under two power caps",
s22-bwratio).

Sources [P]: reference/mlperf_calibration.csv (v5.0 lines given by `CAL`); MLPerf Inference v5.1 summary_results.json
(mlcommons/inference_results_v5.1 @965182b0, as transcribed in bench/v51_server_offline.py PAIRS and
bench/v51_interactive_offline.py); v6.0 closed/NVIDIA results (bench/blackwell_rounds.py RUNS).
"""
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V  # noqa: E402

CAL = ROOT / "reference" / "mlperf_calibration.csv"
V51 = "https://github.com/mlcommons/inference_results_v5.1/tree/main/closed/NVIDIA/results/{}/{}/{}"
V60 = "https://github.com/mlcommons/inference_results_v6.0/tree/main/closed/NVIDIA/results/{}/{}/Offline"
B200_8 = ("NVIDIA: NVIDIA DGX B200 (8x B200-SXM-180GB, TensorRT) [B200-SXM-180GBx8_TRT]", "NVIDIA B200-SXM-180GB", 8,
          "B200-SXM-180GBx8_TRT")
GB200_72 = ("NVIDIA:  (72x GB200-186GB_aarch64, TensorRT) [GB200-NVL72_GB200-186GB_aarch64x72_TRT]", "NVIDIA GB200", 72,
            "GB200-NVL72_GB200-186GB_aarch64x72_TRT")
GB200_4 = ("NVIDIA:  (4x GB200-186GB_aarch64, TensorRT) [GB200-NVL72_GB200-186GB_aarch64x4_TRT]", "NVIDIA GB200", 4,
           "GB200-NVL72_GB200-186GB_aarch64x4_TRT")
B300_8 = ("NVIDIA: NVIDIA DGX B300 (8x B300-SXM-270GB, TensorRT) [B300-SXM-270GBx8_TRT]", "NVIDIA B300-SXM-270GB", 8,
          "B300-SXM-270GBx8_TRT")
GB300_72 = ("NVIDIA: NVIDIA GB300 NVL72 (72x GB300-288GB_aarch64, TensorRT) [GB300-NVL72_GB300-288GB_aarch64x72_TRT]",
            "NVIDIA GB300", 72, "GB300-NVL72_GB300-288GB_aarch64x72_TRT")

# (pair name, (round, benchmark, scenario), higher-power member, lower-power member); a member is a calibration line
# (int) or (system, measured tok/s of the whole system)
PAIRS = [
    ("v5.0 405B Offline GB200/B200", None, 1252, 1228),
    ("v5.0 405B Server GB200/B200", None, 1247, 1223),
    ("v5.1 405B Offline GB200/B200", ("inference-v5.1", "llama3.1-405b", "Offline"), (GB200_72, 14774.3),
     (B200_8, 1624.11)),
    ("v5.1 405B Server GB200/B200", ("inference-v5.1", "llama3.1-405b", "Server"), (GB200_72, 11614.3),
     (B200_8, 1240.42)),
    ("v5.1 70B Interactive GB200/B200", ("inference-v5.1", "llama2-70b-99", "Interactive"), (GB200_4, 29745.6),
     (B200_8, 59545.4)),
    ("v5.1 DS-R1 Offline GB200/B200", ("inference-v5.1", "deepseek-r1", "Offline"), (GB200_72, 289712.0),
     (B200_8, 33379.0)),
    ("v6.0 gpt-oss Offline GB300/B300", ("inference-v6.0", "gpt-oss-120b", "Offline"), (GB300_72, 1042980.0),
     (B300_8, 103961.0)),
    ("v5.0 70B Offline H200 SXM/NVL (Dell)", None, 714, 672),
    ("v5.0 70B Offline H200 SXM/NVL (HPE)", None, 1002, 1026),
    ("v5.0 70B Offline H200 SXM/NVL (ASUSTeK)", None, 569, 541),
]
HEADER = ["round", "benchmark", "scenario", "system", "accelerator", "num_accelerators", "metric", "value", "unit",
          "source"]


def _rows() -> list[list]:
    """The members as rows of the calibration file's shape, in PAIRS order (two a pair)."""
    with open(CAL, newline="", encoding="utf-8") as fh:
        cal = list(csv.reader(fh))
    out = []
    for _, key, *members in PAIRS:
        for m in members:
            if isinstance(m, int):
                out.append(cal[m - 1])                 # the file's line m (line 1 the header)
                continue
            (system, acc, n, directory), value = m
            rnd, bench, scenario = key
            url = (V51.format(directory, bench, scenario) if rnd == "inference-v5.1"
                   else V60.format(directory, bench))
            out.append([rnd, bench, scenario, system, acc, n, "throughput", value, "Tokens/s", url])
    return out


def per_gpu(mechanisms=None) -> list[dict]:
    """Each member with its measured and modelled tokens/s a GPU (validate's rows, one pass)."""
    rows = _rows()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pairs.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows(rows)
        out, sink = V.run(str(path), mechanisms=mechanisms)
    assert not sink.items, [d.message for d in sink.items]
    return [dict(chip=r.chip, n=int(row[5]), measured=float(row[7]) / int(row[5]),
                 model=r.predicted / int(row[5])) for row, r in zip(rows, out)]


def pair_ratios(mechanisms=None) -> list[tuple[str, float, float]]:
    """(pair, measured ratio, model ratio) a GPU, the higher-power member over the lower."""
    m = per_gpu(mechanisms)
    return [(name, m[2 * i]["measured"] / m[2 * i + 1]["measured"], m[2 * i]["model"] / m[2 * i + 1]["model"])
            for i, (name, *_) in enumerate(PAIRS)]


def main(argv: list[str]) -> None:
    on = tuple(argv[i + 1] for i, a in enumerate(argv) if a == "--with")
    mech = V.mechanisms_with(on=on) if on else None
    members = per_gpu(mech)
    print(f"{'pair':42s} {'member':8s} {'tok/s a GPU':>12s} {'model':>10s} {'error':>7s}")
    for i, (name, *_) in enumerate(PAIRS):
        for j in (0, 1):
            r = members[2 * i + j]
            print(f"{name if j == 0 else '':42s} {r['chip']:8s} {r['measured']:12,.1f} {r['model']:10,.1f} "
                  f"{(r['model'] / r['measured'] - 1) * 100:+6.1f}%")
    print(f"\n{'pair (higher / lower board power)':42s} {'measured':>9s} {'model':>8s} {'model/meas':>10s}")
    for name, meas, model in pair_ratios(mech):
        print(f"{name:42s} {meas:9.3f} {model:8.3f} {model / meas:10.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
