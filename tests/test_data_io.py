"""Reading users' corpora end to end: every format, and the mistakes users make, each with an actionable error."""
import gzip, warnings

import numpy as np
import pandas as pd
import pytest

from lossplateau.data import (Corpus, DataError, TextEncoder, embedding_matrix, load_vectors, read_corpus,
                              stratified_split, train_vectors)


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    labels = rng.choice(["spam", "ham", "eggs"], size=60)
    return pd.DataFrame({"doc": [f"document {i} about {l}" for i, l in enumerate(labels)], "topic": labels,
                         "uid": [f"u{i}" for i in range(60)]})


@pytest.mark.parametrize("fname,writer", [
    ("d.csv", lambda df, p: df.to_csv(p, index=False)),
    ("d.tsv.gz", lambda df, p: df.to_csv(p, sep="\t", index=False)),
    ("d.jsonl", lambda df, p: df.to_json(p, orient="records", lines=True)),
    ("d.parquet", lambda df, p: df.to_parquet(p)),
])
def test_formats_round_trip(tmp_path, frame, fname, writer):
    writer(frame, tmp_path / fname)
    c = read_corpus(tmp_path / fname, text="doc", label="topic", id="uid")
    assert c.texts == frame.doc.tolist()
    assert [c.class_names[i] for i in c.labels] == frame.topic.tolist()
    assert c.ids == frame.uid.tolist()
    train, val = stratified_split(c, val_size=0.3, seed=0)
    assert len(train) + len(val) == 60 and not set(train.ids) & set(val.ids)


def test_folder_tree_with_bad_bytes_names_the_file(tmp_path):
    for cls in ("a", "b"):
        (tmp_path / cls).mkdir()
        (tmp_path / cls / "1.txt").write_text(f"hello {cls}")
    (tmp_path / "b" / "2.txt").write_bytes(b"ok then \xff\xfe broken")
    with pytest.raises(DataError, match=r"b/2\.txt: bytes at position 8 are not valid utf-8"):
        read_corpus(tmp_path)
    assert len(read_corpus(tmp_path, encoding="latin-1")) == 3


def test_missing_column_lists_what_exists(tmp_path, frame):
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(DataError) as e:
        read_corpus(tmp_path / "d.csv", text="text", label="topic")
    assert "no text column 'text'" in str(e.value) and "'doc', 'topic', 'uid'" in str(e.value)
    with pytest.raises(DataError, match="Did you mean label='topic'"):
        read_corpus(tmp_path / "d.csv", text="doc", label="topics")


def test_nan_rows_named_then_dropped_with_count(tmp_path, frame):
    frame.loc[[4, 9], "doc"] = None
    frame.loc[[20], "topic"] = "  "
    frame.to_json(tmp_path / "d.jsonl", orient="records", lines=True)
    with pytest.raises(DataError, match=r"empty or missing text in row\(s\) 5, 10; empty or missing label in row\(s\) 21"):
        read_corpus(tmp_path / "d.jsonl", text="doc", label="topic")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        c = read_corpus(tmp_path / "d.jsonl", text="doc", label="topic", drop_invalid=True)
    assert len(c) == 57 and any("dropped 3 of 60 rows" in str(x.message) for x in w)


def test_errors_are_value_errors_and_name_the_class(tmp_path):
    (tmp_path / "d.csv").write_text("text,label\na,x\nb,x\nc,rare\n")
    c = read_corpus(tmp_path / "d.csv")
    with pytest.raises(ValueError, match="'rare' \\(1\\)"):
        stratified_split(c)


def test_unknown_format_and_garbage(tmp_path):
    (tmp_path / "d.xlsx").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(DataError, match="unknown format '.xlsx'.*format="):
        read_corpus(tmp_path / "d.xlsx")
    (tmp_path / "g.jsonl").write_bytes(b"\x00\x01{not json at all\n")
    with pytest.raises(DataError, match="cannot be read as JSONL"):
        read_corpus(tmp_path / "g.jsonl")


def test_vectors_and_coverage_on_split(tmp_path, frame):
    c = Corpus(frame.doc.tolist(), pd.factorize(frame.topic)[0], ["a", "b", "c"])
    train, val = stratified_split(c, seed=0)
    enc = TextEncoder(num_words=100).fit(train)
    kv = train_vectors(train, dim=8, min_count=1, epochs=2, seed=0)
    assert not set(kv.key_to_index) - set(enc.word_index)          # vectors see only training words
    with gzip.open(tmp_path / "v.txt.gz", "wt") as f:
        f.write(f"{len(kv)} 8\n" + "".join(f"{w} " + " ".join(f"{x:.6f}" for x in kv[w]) + "\n" for w in kv.index_to_key))
    kv2 = load_vectors(tmp_path / "v.txt.gz", dim=8)
    m, cov = embedding_matrix(enc, kv2)
    assert m.shape == (enc.vocab_size, 8) and cov["words"] == 1.0 and cov["tokens"] == 1.0
    np.testing.assert_allclose(m[enc.word_index["document"]], kv["document"], atol=1e-5)
    with pytest.raises(DataError, match="dimension 8, but 300 was requested"):
        load_vectors(tmp_path / "v.txt.gz", dim=300)
