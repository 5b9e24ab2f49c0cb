"""Exercises: a program with a bug (``exercise_<topic>_bug``) and its fix
(``exercise_<topic>_fixed``), shown in the "Exercises" section at the end of
the topic's page. Each page's own catalog module holds its exercises, made
by ``pair``.

Each bug shows its symptom on every run: a wrong or missing answer, an
exception, or a hang stopped after 5 s (three of them). The tests in
``tests/test_exercises.py`` check the symptom and the fix in detail.
"""
from . import HANGS, Snippet


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
