"""A GRPO-style training loop that logs its rollouts to routelens (made-up rollouts, no model needed).

At every training step it samples a group of rollouts (routing trajectories) per query, grades them,
has a pretend Judge score each one on the query's rubric, computes the combined reward and the group
advantages the way GRPO does, nudges its routing policy, and logs every rollout with
``training: {step, group}``. Then it reads back the per-step curve that routelens computed.

    python3 examples/grpo_loop.py --url http://127.0.0.1:3000 --steps 5
    ROUTELENS_API_KEY=rl_... python3 examples/grpo_loop.py --url https://routelens.example.org

Standard library only; run it from clients/python (or with clients/python on PYTHONPATH).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routelens import Client, IngestError  # noqa: E402

SMALL = {"id": "qwen3-1.7b", "params_b": 1.7, "usd_per_mtok_in": 0.10, "usd_per_mtok_out": 0.40}
LARGE = {"id": "qwen3-32b", "params_b": 32, "usd_per_mtok_in": 0.80, "usd_per_mtok_out": 3.20}
LAMBDA, MU = 0.5, 0.1  # the combined reward's weights (routelens's defaults)


def make_queries(n: int, rng: random.Random) -> List[Dict[str, Any]]:
    queries = []
    for i in range(n):
        a, b = rng.randint(2, 40), rng.randint(2, 40)
        queries.append({
            "id": f"toy-{i:03d}",
            "benchmark": "toy-arith",
            "text": f"Compute ${a} \\times {b} + {a}$.",
            "reference_answer": str(a * b + a),
            "difficulty": rng.random(),  # not part of the trace: drives the simulation
        })
    return queries


def rubric_for(query: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "id": f"{query['id']}/toy-rubricor",
        "generator": "toy-rubricor",
        "criteria": [
            {"id": "c1", "text": "The step that multiplies goes to the large model.", "weight": 2.0, "scale": {"kind": "binary"}},
            {"id": "c2", "text": "Restating the question stays on the small model.", "weight": 1.0, "scale": {"kind": "numeric", "min": 0, "max": 10}},
        ],
    }


def rollout(query: Dict[str, Any], p_large: float, rng: random.Random) -> Dict[str, Any]:
    """One routing trajectory: three steps, each on the model the (stochastic) router picks."""
    texts = ["Restate the question.", "Multiply the two numbers.", "Add and check the result."]
    steps, large_on_key = [], False
    for k, text in enumerate(texts):
        # The router is surer about the key step (k = 1) than about the routine ones.
        p = p_large if k == 1 else p_large / 3
        model = LARGE if rng.random() < p else SMALL
        large_on_key = large_on_key or (k == 1 and model is LARGE)
        steps.append({
            "index": k,
            "model": model["id"],
            "text": text,
            "tokens_in": 200 + 60 * k,
            "tokens_out": rng.randint(20, 80),
            "router": {"probs": {LARGE["id"]: round(p, 4), SMALL["id"]: round(1 - p, 4)}},
        })
    p_correct = 0.35 + 0.55 * (1 - query["difficulty"]) * (0.4 if not large_on_key else 1.0) + (0.3 if large_on_key else 0.0)
    correct = rng.random() < min(0.97, p_correct)
    routine_on_small = steps[0]["model"] == SMALL["id"]
    judgments = [
        {"criterion": "c1", "steps": [1], "score": 1 if large_on_key else 0, "judge": "toy-judge"},
        {"criterion": "c2", "steps": [0], "score": rng.randint(7, 10) if routine_on_small else rng.randint(0, 4), "judge": "toy-judge"},
    ]
    return {"steps": steps, "correct": correct, "judgments": judgments, "final_answer": query["reference_answer"] if correct else "?"}


def reward(r: Dict[str, Any]) -> float:
    """outcome + lambda * process - mu * cost_ratio (scoring.md), computed here as the trainer would."""
    def cost(model_of) -> float:
        return sum(s["tokens_in"] * model_of(s)["usd_per_mtok_in"] / 1e6 + s["tokens_out"] * model_of(s)["usd_per_mtok_out"] / 1e6 for s in r["steps"])
    actual = cost(lambda s: LARGE if s["model"] == LARGE["id"] else SMALL)
    all_large = cost(lambda s: LARGE)
    c1 = r["judgments"][0]["score"]
    c2 = r["judgments"][1]["score"] / 10
    process = (2.0 * c1 + 1.0 * c2) / 3.0
    return (1.0 if r["correct"] else 0.0) + LAMBDA * process - MU * actual / all_large


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:3000", help="the routelens server")
    ap.add_argument("--api-key", default=os.environ.get("ROUTELENS_API_KEY"), help="an API key with the ingest scope (default: $ROUTELENS_API_KEY)")
    ap.add_argument("--run", default="toy-grpo", help="the run id of this training run")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--queries", type=int, default=4, help="queries per training step")
    ap.add_argument("--group-size", type=int, default=8, help="rollouts per query (the GRPO group)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    queries = make_queries(args.queries, rng)
    p_large = 0.2  # the routing policy's one parameter: how readily it escalates

    with Client(args.url, api_key=args.api_key) as client:
        for step in range(args.steps):
            advantages_by_large: List[float] = []
            for q in queries:
                group = f"{q['id']}@{step}"
                rollouts = [rollout(q, p_large, rng) for _ in range(args.group_size)]
                rewards = [reward(r) for r in rollouts]
                mean = statistics.fmean(rewards)
                std = statistics.stdev(rewards) if len(rewards) > 1 else 0.0
                for i, (r, rew) in enumerate(zip(rollouts, rewards)):
                    adv = (rew - mean) / std if std > 0 else 0.0
                    if r["steps"][1]["model"] == LARGE["id"]:
                        advantages_by_large.append(adv)
                    client.log({
                        "id": f"{args.run}/{group}/r{i}",
                        # A run's definition is fixed by its first line: what changes per step goes in meta.
                        "run": {"id": args.run, "policy": "grpo-toy"},
                        "query": {k: v for k, v in q.items() if k != "difficulty"},
                        "models": [SMALL, LARGE],
                        "steps": r["steps"],
                        "final_answer": r["final_answer"],
                        "correct": r["correct"],
                        "rubric": rubric_for(q),
                        "judgments": r["judgments"],
                        "training": {"step": step, "group": group},
                        "meta": {"reward_seen_by_trainer": round(rew, 6), "p_large": round(p_large, 4)},
                    })
            # The "policy update": escalate more when escalating had a positive advantage.
            if advantages_by_large:
                p_large = min(0.95, max(0.05, p_large + 0.1 * math.tanh(statistics.fmean(advantages_by_large))))
            try:
                s = client.flush()
            except IngestError as e:
                print(f"step {step}: {e}", file=sys.stderr)
                for err in e.errors:
                    print(f"  line {err.get('line')} {err.get('id')} {err.get('path')}: {err.get('message')}", file=sys.stderr)
                return 1
            print(f"step {step}: stored {s['stored']}, unchanged {s['unchanged']} in {s['batches']} batch(es); p_large now {p_large:.3f}")

    # What routelens made of it: the per-step curve (api.md "Training").
    req = urllib.request.Request(f"{args.url.rstrip('/')}/api/runs/{urllib.parse.quote(args.run, safe='')}/training")
    if args.api_key:
        req.add_header("Authorization", f"Bearer {args.api_key}")
    with urllib.request.urlopen(req, timeout=60) as res:
        curve = json.load(res)
    def fmt(x: Any, width: int) -> str:
        return f"{x:>{width}.3f}" if isinstance(x, (int, float)) else f"{'-':>{width}}"  # null: undefined

    print("step  rollouts  accuracy  no_signal_outcome  no_signal_combined")
    for p in curve["steps"]:
        print(f"{p['step']:>4}  {p['rollouts']:>8}  {fmt(p['accuracy'], 8)}  {fmt(p['no_signal_share_outcome'], 17)}  {fmt(p['no_signal_share'], 18)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
