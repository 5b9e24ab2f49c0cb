"""Exercise: the first batch works, the second raises RuntimeError. Why?

squares() computes a batch in a Pool and asks for the spawn start method,
to behave the same on Linux, macOS and Windows. main() computes two
batches. The answer, and the fixed program, are in
exercise_start_method_twice_fixed.py.
"""
import multiprocessing

TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def square(n):
    return n * n


def squares(numbers):
    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        return pool.map_async(square, numbers).get(TIMEOUT)


def main():
    print(f"first batch: {squares([1, 2, 3])}")
    print(f"second batch: {squares([4, 5, 6])}")


if __name__ == "__main__":
    main()
