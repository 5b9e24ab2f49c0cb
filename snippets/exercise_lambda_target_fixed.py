"""Answer to exercise_lambda_target_bug.py: a lambda is not importable.

Under fork the child is a copy of the parent and calls the lambda it
already has. Under spawn (the default on macOS and Windows) and forkserver
(the default on Linux from Python 3.14), start() pickles the target, and
a function is pickled as the name of its module and its own name: a
lambda inside main() has none that a child could import, so start()
raises. Pass a top-level function and its arguments.
"""
import multiprocessing

NAMES = ["Ada", "Grace"]
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def greet(name):
    print(f"hello, {name}")


def main():
    for name in NAMES:
        p = multiprocessing.Process(target=greet, args=(name,))
        p.start()
        p.join(TIMEOUT)


if __name__ == "__main__":
    main()
