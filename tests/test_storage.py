"""Content-addressed media storage on the filesystem."""

import hashlib
import os
import stat

import pytest

from inspector import storage
from inspector.storage import FilesystemStore, InvalidMediaKey, store_from_config

PHOTO = b"\xff\xd8\xff\xe0 pretend this is a photo \xff\xd9"


@pytest.fixture
def store(tmp_path):
    return FilesystemStore(tmp_path / "media")


def all_files(root):
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_put_returns_a_sharded_content_key_and_get_returns_the_bytes(store):
    digest = hashlib.sha256(PHOTO).hexdigest()

    key = store.put(PHOTO, "jpg")

    assert key == f"{digest[:2]}/{digest[2:4]}/{digest}.jpg"
    assert store.get(key) == PHOTO
    assert store.exists(key)
    with store.open(key) as file:
        assert file.read() == PHOTO
    assert store.path_for(key) == store.root / key


def test_suffix_is_normalised_and_must_be_a_plain_extension(store):
    assert store.put(PHOTO, ".JPG").endswith(".jpg")
    for suffix in ("", "../jpg", "jp/g", "a" * 9):
        with pytest.raises(ValueError):
            store.put(PHOTO, suffix)


def test_putting_the_same_bytes_twice_returns_the_same_key_and_keeps_one_file(store):
    first = store.put(PHOTO, "jpg")
    written = store.path_for(first).stat().st_mtime_ns

    second = store.put(PHOTO, "jpg")

    assert second == first
    assert store.path_for(first).stat().st_mtime_ns == written
    assert all_files(store.root) == [first]


def test_a_write_leaves_no_temporary_files(store):
    keys = {store.put(bytes([n]) * 1000, "jpg") for n in range(20)}

    assert all_files(store.root) == sorted(keys)


def test_a_failed_write_leaves_neither_the_object_nor_a_temporary_file(store, monkeypatch):
    def disk_full(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", disk_full)

    with pytest.raises(OSError):
        store.put(PHOTO, "jpg")

    assert all_files(store.root) == []


def test_a_damaged_object_is_rewritten_when_the_same_bytes_arrive(store):
    key = store.put(PHOTO, "jpg")
    store.path_for(key).write_bytes(PHOTO[:5])

    store.put(PHOTO, "jpg")

    assert store.get(key) == PHOTO


def test_stored_files_are_not_readable_by_other_users(store):
    key = store.put(PHOTO, "jpg")

    assert stat.S_IMODE(os.stat(store.path_for(key)).st_mode) & 0o007 == 0


GOOD_DIGEST = hashlib.sha256(b"x").hexdigest()


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "/etc/passwd",
        f"{GOOD_DIGEST[:2]}/{GOOD_DIGEST[2:4]}/../../../{GOOD_DIGEST}.jpg",
        f"00/00/{GOOD_DIGEST}.jpg",  # shards that do not match the digest
        f"{GOOD_DIGEST[:2]}/{GOOD_DIGEST[2:4]}/{GOOD_DIGEST.upper()}.jpg",
        f"{GOOD_DIGEST[:2]}/{GOOD_DIGEST[2:4]}/{GOOD_DIGEST}.jpg/..",
        f"{GOOD_DIGEST[:2]}/{GOOD_DIGEST[2:4]}/{GOOD_DIGEST}.jpg\n",
        f"{GOOD_DIGEST[:2]}\\{GOOD_DIGEST[2:4]}\\{GOOD_DIGEST}.jpg",
        "",
    ],
)
def test_keys_that_could_escape_the_store_are_rejected(store, key):
    for operation in (store.get, store.open, store.path_for, store.exists, store.delete):
        with pytest.raises(InvalidMediaKey):
            operation(key)


def test_delete_removes_the_object_and_tolerates_a_missing_key(store):
    key = store.put(PHOTO, "jpg")

    store.delete(key)
    store.delete(key)

    assert not store.exists(key)
    with pytest.raises(FileNotFoundError):
        store.get(key)


def test_iter_keys_lists_stored_objects_and_ignores_other_files(store):
    keys = {store.put(bytes([n]) * 10, suffix) for n, suffix in enumerate(["jpg", "png", "heic"])}
    shard = store.path_for(next(iter(keys))).parent
    (shard / ".abc123.part").write_bytes(b"crashed write")
    (store.root / "README").write_text("not media")
    (store.root / "zz").mkdir()

    assert set(store.iter_keys()) == keys


def test_iter_keys_of_an_empty_store_is_empty(store):
    assert list(store.iter_keys()) == []


def test_store_from_config_uses_media_root(tmp_path):
    store = store_from_config({"MEDIA_ROOT": str(tmp_path)})

    assert isinstance(store, FilesystemStore)
    assert store.root == tmp_path
