"""A child sends ten greetings through a Pipe; the parent reads until EOF."""
import multiprocessing


def sender(conn):
    for i in range(1, 11):
        conn.send(f"hello #{i} from {multiprocessing.current_process().name}")
    conn.close()  # the last open copy of this end: the reader now sees EOF


def main():
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=sender, args=(child_end,),
                                name="sender")
    p.start()
    # --8<-- [start:close]
    child_end.close()  # drop the parent's copy, or recv() never sees EOF
    # --8<-- [end:close]
    # --8<-- [start:receive]
    while True:
        try:
            message = parent_end.recv()
        except EOFError:  # every copy of the other end is closed
            break
        print(message)
    # --8<-- [end:receive]
    p.join()
    print("the sender is done")


if __name__ == "__main__":
    main()
