"""The ``openai_compatible`` generator backend: any ``/v1/chat/completions`` server (llama.cpp server,
Ollama, vLLM) over stdlib HTTP, with concurrent requests, retries and one deadline."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mdsum.generate_contract import (
    Decoding,
    GeneratorError,
    GeneratorTimeout,
    Message,
    Prompt,
    as_messages,
    check_number,
)


class OpenAICompatibleGenerator(Decoding):
    """A ``/v1/chat/completions`` server. ``batch_size`` requests run concurrently; each is retried
    ``retries`` times on connection errors and 5xx answers; ``timeout`` bounds the whole call."""

    def __init__(self, base_url: str, model: str = "default", api_key: str | None = None, max_new_tokens: int = 64,
                 temperature: float = 0.0, seed: int = 0, batch_size: int = 4, timeout: float | None = 120.0,
                 retries: int = 2, num_beams: int = 1) -> None:
        super().__init__(max_new_tokens, num_beams, temperature, seed, batch_size, timeout)
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL such as http://127.0.0.1:8080/v1, got {base_url!r}")
        if not isinstance(model, str) or not model:
            raise ValueError(f"model must be the server's model name, got {model!r}")
        check_number("retries", retries, 0, integer=True)
        if num_beams != 1:
            raise ValueError(f"num_beams must be 1 for openai_compatible (chat servers decode greedily at "
                             f"temperature 0), got {num_beams!r}")
        self.url = base_url.rstrip("/") + ("/chat/completions" if base_url.rstrip("/").endswith("/v1")
                                           else "/v1/chat/completions")
        self.model = model
        self.api_key = api_key
        self.retries = retries

    def load(self) -> None:
        """Nothing to load: the server holds the model."""

    def generate(self, prompts: Sequence[Prompt]) -> list[str]:
        deadline = self._deadline()
        msgs = [as_messages(p) for p in prompts]
        with ThreadPoolExecutor(max_workers=self.batch_size) as pool:
            return list(pool.map(lambda m: self._one(m, deadline), msgs))

    def _one(self, messages: list[Message], deadline: float | None) -> str:
        body = json.dumps({"model": self.model, "messages": messages, "max_tokens": self.max_new_tokens,
                           "temperature": self.temperature, "seed": self.seed}).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last = ""
        for attempt in range(self.retries + 1):
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s")
            req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=left) as resp:
                    data = json.loads(resp.read().decode("utf-8"))
                return _content(data)
            except urllib.error.HTTPError as e:
                last = f"HTTP {e.code} from {self.url}"
                if e.code < 500:
                    raise GeneratorError(last) from None
            except TimeoutError:
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s") from None
            except urllib.error.URLError as e:
                if isinstance(e.reason, TimeoutError):
                    raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s") from None
                last = f"cannot reach {self.url}: {e.reason}"
            except (ValueError, UnicodeDecodeError) as e:
                raise GeneratorError(f"bad response from {self.url}: {e}") from None
            time.sleep(min(0.2 * 2 ** attempt, 2.0))
        raise GeneratorError(f"{last} (after {self.retries + 1} tries)")


def _content(data: Any) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"no choices[0].message.content in {str(data)[:200]}") from None
    if not isinstance(content, str):
        raise ValueError(f"message content is not a string: {content!r}")
    return content.strip()
