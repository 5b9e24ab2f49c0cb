"""The parent keeps its copy of the child's end open: recv() never sees EOF.

Same sender as pipe_greetings.py, without child_end.close() in the parent.
The child sends ten greetings, closes its end and exits, but the parent's
own copy of that end is still open, so for the pipe someone could still
write. After the tenth greeting the parent's recv() waits for ever.
"""
import multiprocessing


def sender(conn):
    for i in range(1, 11):
        conn.send(f"hello #{i} from {multiprocessing.current_process().name}")
    conn.close()


def main():
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=sender, args=(child_end,),
                                name="sender")
    p.start()
    # Missing here: child_end.close()
    # --8<-- [start:receive]
    while True:
        try:
            message = parent_end.recv()  # the 11th call blocks for ever
        except EOFError:  # never raised: the parent still holds child_end
            break
        print(message)
    # --8<-- [end:receive]
    p.join()
    print("the sender is done")  # never printed


if __name__ == "__main__":
    main()
