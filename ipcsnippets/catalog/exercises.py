"""Exercises: a program with a bug (``exercise_<topic>_bug``) and its fix
(``exercise_<topic>_fixed``), shown at the end of the topic's page.
``pair`` makes the two entries; the exercises of the queue, process and
start-method pages are here, and a page's own catalog module may hold its
exercises instead (``from .exercises import pair``).

Each bug shows its symptom on every run: a wrong or missing answer, an
exception, or a hang stopped after 5 s (three of them). The tests in
``tests/test_exercises.py`` check the symptom and the fix in detail.
"""
from . import HANGS, Expect, Snippet, completes, raises

_NOT_PICKLED = r"TypeError: cannot pickle 'generator' object"
_NOT_AN_INT = r"ValueError: invalid literal for int\(\) with base 10: 'three'$"
_LAMBDA = r"AttributeError: Can't (?:pickle|get) local object 'main\.<locals>\.<lambda>'"
_LAMBDA_314 = r"PicklingError: Can't pickle local object <function main\.<locals>\.<lambda> at 0x"


def _hangs(*shows: str, hides=()) -> Expect:
    return Expect(frozenset({HANGS}), shows=shows, hides=hides)


def _raises(exception: str, *shows: str, hides=()) -> Expect:
    return Expect(frozenset({"raises"}), exception=exception, shows=shows, hides=hides)


def _answered(zero_division: str) -> Expect:
    return completes(
        rf"""^answers: \{{1: 60, 2: 30, 0: "failed: ZeroDivisionError\('{zero_division}'\)", 3: 20, 4: 15\}}$""",
        r"^no answer for: \[\]$")


def pair(topic: str, page: str, bug: dict, fixed: dict, title: str, **options):
    """The two entries of one exercise; ``options`` apply to both, except
    that a hanging bug gets a 5 s limit. Its symptom must show before the
    limit: with 2 s, two of them had not printed theirs under forkserver
    in fresh-clone CI runs, both cores busy."""
    bug_options = dict(options)
    if any(HANGS in e.outcomes for e in bug.values()):
        bug_options["timeout"] = 5
    return (
        Snippet(name=f"exercise_{topic}_bug", title=f"Exercise: {title}", page=page, expect=bug, **bug_options),
        Snippet(name=f"exercise_{topic}_fixed", title=f"Answer: {title}", page=page, expect=fixed, **options),
    )


SNIPPETS = (
    *pair(
        "generator_result", "queues/kinds.md",
        title="a job that cannot be pickled vanishes",
        bug={"*": completes(_NOT_PICKLED, r"^answers for 2 of 3 jobs: \{'small': 14, 'evens': 120\}$")},
        fixed={"*": completes(r"^answers for 3 of 3 jobs: \{'small': 14, 'evens': 120, 'odds': 165\}$",
                              hides=(r"Traceback",))},
        timeout=10,
    ),
    *pair(
        "one_sentinel", "queues/fixes.md",
        title="one sentinel for two consumers",
        bug={"*": _hangs(r"^sum of the squares: 285$", hides=(r"have finished",))},
        fixed={"*": completes(r"^sum of the squares: 285$", r"^both consumers have finished: True$")},
        timeout=10,
    ),
    *pair(
        "swallowed_error", "queues/fixes.md",
        title="except Exception: pass hides a failed item",
        bug={"*": completes(r"^answers: \{1: 60, 2: 30, 3: 20, 4: 15\}$", r"^no answer for: \[0\]$",
                            hides=(r"Traceback", r"ZeroDivisionError"))},
        # 3.14 gives every division by zero one message (measured here on
        # 3.14.10 and 3.15.2; 3.13 and older name the integer operation).
        fixed={"*": _answered("integer division or modulo by zero"),
               "*>=3.14": _answered("division by zero")},
        timeout=10,
    ),
    *pair(
        "task_done", "queues/fixes.md",
        title="no task_done() for the sentinel",
        bug={"*": completes(r"^squares received: 6 of 6$", r"^both workers have finished: True$",
                            r"^tasks\.join\(\) returned: False$")},
        fixed={"*": completes(r"^squares received: 6 of 6$", r"^both workers have finished: True$",
                              r"^tasks\.join\(\) returned: True$")},
        timeout=10,
    ),
    *pair(
        "results_grow", "queues/deadlocks.md",
        title="join() before get() once the results outgrow the pipe",
        bug={"*": _hangs(r"^2 workers started for 5000 numbers$", hides=(r"received",))},
        fixed={"*": completes(r"^received 5000 squares$", r"^both workers have finished: True$")},
        timeout=10,
    ),
    *pair(
        "worker_fails", "queues/crashes.md",
        title="the parent waits for a worker that died",
        bug={"*": _hangs(_NOT_AN_INT, hides=(r"doubled",))},
        fixed={"*": completes(_NOT_AN_INT, r"^doubled: \[2, 4\]$",
                              r"^2 of 4 lines got no answer; the worker's exit code: 1$")},
        timeout=10,
    ),
    *pair(
        "manager_closed", "queues/managers.md",
        title="a Manager queue used after its manager shut down",
        bug={"*": raises("FileNotFoundError", r"^FileNotFoundError: \[Errno 2\] No such file or directory$")},
        fixed={"*": completes(r"^got 'hello'$")},
        timeout=10,
    ),
    *pair(
        "queue_to_pool", "queues/managers.md",
        title="a multiprocessing.Queue inside a Pool task",
        bug={"*": raises("RuntimeError",
                         r"^RuntimeError: Queue objects should only be shared between processes through inheritance$")},
        fixed={"*": completes(r"^reported: \[1, 4, 9\]$")},
        timeout=10,
    ),
    *pair(
        "start_method_twice", "start-methods.md",
        title="set_start_method() inside a function called twice",
        bug={"own": _raises("RuntimeError", r"^first batch: \[1, 4, 9\]$",
                            r"^RuntimeError: context has already been set$", hides=(r"^second batch:",))},
        fixed={"own": completes(r"^first batch: \[1, 4, 9\]$", r"^second batch: \[16, 25, 36\]$")},
        timeout=10,
        start_methods=(),  # it chooses its own start method
    ),
    *pair(
        "lambda_target", "start-methods.md",
        title="a lambda as a Process target",
        # fork copies the lambda into the child; spawn and forkserver pickle it.
        # From 3.14, pickle raises PicklingError for a local object (with
        # the object's repr), where older versions raised AttributeError.
        bug={"fork": completes(r"^hello, Ada\nhello, Grace$"),
             "*": _raises("AttributeError", _LAMBDA, hides=(r"hello",)),
             "*>=3.14": _raises("PicklingError", _LAMBDA_314, hides=(r"hello",)),
             "fork>=3.14": completes(r"^hello, Ada\nhello, Grace$")},
        fixed={"*": completes(r"^hello, Ada\nhello, Grace$")},
        timeout=10,
    ),
    *pair(
        "pool_exit", "processes.md",
        title="a Pool's results read after its with block",
        # Leaving the block calls terminate(): the tasks in progress die, and
        # get() waits for answers that never come, until its timeout.
        bug={"*": _raises("TimeoutError", r"^submitted 6 tasks$", hides=(r"^squares:",))},
        fixed={"*": completes(r"^submitted 6 tasks$", r"^squares: \[0, 1, 4, 9, 16, 25\]$")},
        timeout=15,
    ),
)
