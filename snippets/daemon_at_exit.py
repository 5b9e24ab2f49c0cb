"""At exit, a parent terminates its daemon children and joins the others.

main() starts two children and returns without joining either. As the
parent exits, multiprocessing terminates the daemon child, which never
finishes its work, and then joins the other one: the parent's exit waits
until that child has finished.
"""
import multiprocessing
import time

SHORT, LONG = 0.5, 5  # seconds of work for each child


def work(name, seconds):
    time.sleep(seconds)  # stands for real work
    print(f"{name}: finished its work", flush=True)


def main():
    daemon = multiprocessing.Process(
        target=work, args=("daemon child", LONG), daemon=True)
    other = multiprocessing.Process(
        target=work, args=("non-daemon child", SHORT))
    daemon.start()
    other.start()
    print("main() returns without join()", flush=True)


if __name__ == "__main__":
    main()
