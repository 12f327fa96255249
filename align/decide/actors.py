"""Clauses addressed to named local bodies are carried out only by tasks those bodies carry out.

NQ 57 asks the Fatherland Front and the mass organisations (IV.4) to mobilise and
supervise; a commune plan carries that out only where it gives the Front, the Farmers',
Women's, Veterans' or Youth Union a task, however close its other propaganda tasks read.
The bodies are the ones every commune has beside its government; a clause naming any
other actor (a ministry, the province, "các cấp") is judged on its text alone.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from align.text.normalize import strip_marks
from align.types import LEAD, Applicability, ClauseKind, Document

# Aliases (plain: folded, without diacritics) of the bodies, as plans write them.
MASS_ORGANISATIONS = ("mat tran to quoc", "mttq", "doan the", "to chuc chinh tri - xa hoi", "to chuc chinh tri xa hoi",
                      "hoi nong dan", "hoi lien hiep phu nu", "hoi phu nu", "doan thanh nien", "doan tncs",
                      "hoi cuu chien binh", "cong doan")
IMPLEMENTATION = ClauseKind.IMPLEMENTATION


def _names_mass_organisations(text: str) -> bool:
    folded = strip_marks(text)
    return any(alias in folded for alias in MASS_ORGANISATIONS)


def actor_masks(plan: Document, ref: Document, rules: Sequence[Applicability]) -> tuple[np.ndarray | None, ...]:
    """Per clause: None (judged on its text), or which tasks are assigned to the bodies it addresses."""
    tasks = None
    out: list[np.ndarray | None] = []
    for clause, rule in zip(ref.clauses, rules):
        if clause.kind != IMPLEMENTATION or not any(_names_mass_organisations(a) for a in rule.actors):
            out.append(None)
            continue
        if tasks is None:
            tasks = np.array([_names_mass_organisations(" ".join((t.text, t.fields.get(LEAD, ""), *t.heading_path)))
                              for t in plan.tasks], dtype=bool)
        out.append(tasks)
    return tuple(out)
