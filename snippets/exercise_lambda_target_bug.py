"""Exercise: this works on Linux up to Python 3.13, and fails on macOS. Why?

The parent starts one process per name; each greets its name. The answer,
and the fixed program, are in exercise_lambda_target_fixed.py.
"""
import multiprocessing

NAMES = ["Ada", "Grace"]
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def greet(name):
    print(f"hello, {name}")


def main():
    for name in NAMES:
        p = multiprocessing.Process(target=lambda: greet(name))
        p.start()
        p.join(TIMEOUT)


if __name__ == "__main__":
    main()
