"""Pipes: reading until EOF works because the parent closed its copy of the child's end."""
import multiprocessing
import time

import pytest

from ipcsnippets import load, run


@pytest.mark.parametrize("method", multiprocessing.get_all_start_methods())
def test_greetings_arrive_in_order_then_eof(method):
    result = run("pipe_greetings", method)
    lines = result.output.splitlines()
    assert lines[:10] == [f"hello #{i} from sender" for i in range(1, 11)]
    assert lines[10:] == ["the sender is done"]


@pytest.mark.parametrize("method", multiprocessing.get_all_start_methods())
def test_parent_that_keeps_its_copy_of_the_child_end_sees_no_eof(method):
    greetings = load("pipe_greetings")
    ctx = multiprocessing.get_context(method)
    parent_end, child_end = ctx.Pipe()
    p = ctx.Process(target=greetings.sender, args=(child_end,))
    p.start()
    try:
        received = []
        while parent_end.poll(5):
            received.append(parent_end.recv())
            if len(received) == 10:
                break
        p.join(10)
        assert p.exitcode == 0 and len(received) == 10
        # The sender is gone, yet there is no EOF: our own copy keeps the pipe open.
        assert parent_end.poll(0.2) is False
        child_end.close()
        assert parent_end.poll(5) is True
        with pytest.raises(EOFError):
            parent_end.recv()
    finally:
        p.join(1)
        if p.is_alive():
            p.kill()
            p.join()
