"""Three producers, one queue: each producer's items keep their order,
and the items of different producers interleave.

A Barrier makes the producers and the consumer go in rounds: in each round
every producer puts one item, and the next round starts only once the
consumer has all three. So each round holds one item from each producer
(the interleaving is certain), while the order inside a round is whatever
the three feeder threads made it.
"""
import multiprocessing

PRODUCERS = "ABC"
ROUNDS = 4
TIMEOUT = 10  # seconds


# --8<-- [start:producer]
def producer(name, q, rounds):
    for n in range(ROUNDS):
        q.put(f"{name}{n}")
        # the next round starts once the consumer has this one
        rounds.wait(TIMEOUT)
# --8<-- [end:producer]


def main():
    q = multiprocessing.Queue()
    # the producers and the consumer
    rounds = multiprocessing.Barrier(len(PRODUCERS) + 1)
    producers = [
        multiprocessing.Process(target=producer, args=(name, q, rounds))
        for name in PRODUCERS
    ]
    for p in producers:
        p.start()
    # --8<-- [start:rounds]
    arrived = []
    for n in range(ROUNDS):
        batch = [q.get(timeout=TIMEOUT) for _ in producers]
        print(f"round {n}: {' '.join(batch)}")
        arrived += batch
        rounds.wait(TIMEOUT)
    # --8<-- [end:rounds]
    for p in producers:
        p.join(TIMEOUT)

    for name in PRODUCERS:
        mine = [item for item in arrived if item.startswith(name)]
        print(f"{name}'s items in the order they arrived: {' '.join(mine)}")


if __name__ == "__main__":
    main()
