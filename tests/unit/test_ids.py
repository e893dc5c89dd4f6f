from alora_core.shared.ids import new_id, parse_id


def test_ids_made_in_one_process_are_unique_and_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]  # many share a millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7}
    assert {i.variant for i in ids} == {"specified in RFC 4122"}


def test_parse_id_refuses_what_is_not_a_uuid() -> None:
    some = new_id()
    assert parse_id(str(some)) == some
    assert parse_id("nope") is None
