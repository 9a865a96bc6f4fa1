from dijetgen.replicas import replica_seed, replica_seeds


def test_replica_zero_is_the_plain_model_and_seeds_are_distinct_and_stable():
    seeds = replica_seeds(42, 5)
    assert seeds[0] == 42 and len(set(seeds)) == 5
    assert replica_seeds(42, 3) == seeds[:3]  # adding replicas keeps the others' seeds
    assert replica_seed(7, 2) != replica_seed(42, 2) and all(0 <= s < 2**31 for s in seeds)
