import numpy as np


def _sample(plan, group, task_id, doc, relevant, vector):
    from align.evaluate import Sample
    from align.types import Task

    return Sample(plan, group, Task(doc_id=plan, id=task_id, text=f"task {task_id}"), doc, ["C1", "C2"], [{}, {}], set(relevant),
                  {"dense": np.zeros(2, np.float32)}, np.asarray(vector, np.float32))


def test_label_memory_keeps_one_task_with_its_clauses_in_each_reference():
    from align.evaluate import label_memory

    samples = [_sample("p", "A", "t1", "nq57", {"C1"}, [1, 0]), _sample("p", "A", "t1", "nq03", {"C2"}, [1, 0]),
               _sample("q", "B", "t1", "nq57", set(), [0, 1])]
    memory = label_memory("m", samples)
    assert len(memory) == 1 and dict(memory.entries[0].serves) == {"nq57": ("C1",), "nq03": ("C2",)}


def test_remembered_samples_never_remember_their_own_commune():
    from align.evaluate import label_memory, remembered

    samples = [_sample("p", "A", "t1", "nq57", {"C1"}, [1, 0]), _sample("q", "B", "t1", "nq57", {"C2"}, [1, 0])]
    first, second = remembered(samples, label_memory("m", samples))
    assert first.features["mem_vote"].tolist() == [0.0, 1.0]       # A's task sees only B's memory
    assert second.features["mem_vote"].tolist() == [1.0, 0.0]


# A plan of three tasks (orthogonal vectors, so smoothing has nothing to follow) whose third task is
# C2's in commune A and C1's in commune B, scored the same: competition helps A's and harms B's.
_HUB = np.array([[0.90, 0.10, 0.10], [0.90, 0.10, 0.10], [0.60, 0.58, 0.10]])


def _hub_plan(plan, group, third):
    from align.evaluate import Sample
    from align.types import Task

    return [Sample(plan, group, Task(doc_id=plan, id=f"t{i}", text=f"task {i}"), "nq03", ["C1", "C2", "C3"],
                   [{}, {}, {}], {third if i == 2 else "C1"}, {}, np.eye(3, dtype=np.float32)[i]) for i in range(3)]


def test_choose_contexts_picks_competition_where_it_ranks_better():
    from align.evaluate import choose_contexts
    from align.retrieval.context import PlanContext

    samples = _hub_plan("p", "A", "C2")
    assert choose_contexts(samples, list(_HUB)) == {"nq03": PlanContext(compete=0.25)}


def test_choose_contexts_keeps_the_ranker_alone_where_nothing_ranks_better():
    from align.evaluate import choose_contexts

    assert choose_contexts(_hub_plan("q", "B", "C1"), list(_HUB)) == {}


def test_choose_contexts_reads_only_the_communes_not_left_out():
    from align.evaluate import choose_contexts

    samples = _hub_plan("p", "A", "C2") + _hub_plan("q", "B", "C1")
    assert choose_contexts(samples, list(_HUB) * 2, without={"A"}) == {}


def test_loco_in_context_moves_a_commune_by_the_choice_made_on_the_others():
    from align.evaluate import loco_in_context

    samples = _hub_plan("p", "A", "C2") + _hub_plan("q", "B", "C2") + _hub_plan("r", "C", "C1")
    moved = loco_in_context(samples, list(_HUB) * 3)
    assert np.argmax(moved[2]) == 0          # A: B gains by competition, C loses as much: the ranker alone
    assert np.argmax(moved[8]) == 1          # C: A and B gain, so C is moved, though it loses by it
