"""Squares in a Pool: the answers are read before the pool is stopped."""
import multiprocessing
import time

TIMEOUT = 3  # seconds for any one answer: thirty times what a task takes


def slow_square(n):
    time.sleep(0.1)  # stands for real work
    return n * n


def main():
    with multiprocessing.Pool(2) as pool:
        pending = [pool.apply_async(slow_square, (n,)) for n in range(6)]
        print(f"submitted {len(pending)} tasks")
        squares = [result.get(TIMEOUT) for result in pending]
    print("squares:", squares)


if __name__ == "__main__":
    main()
