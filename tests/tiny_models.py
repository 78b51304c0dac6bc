"""Tiny random models built in the test (never downloaded), saved the way real ones are.

- ``tiny_causal(dir)``: a 1-layer Llama with a byte-level BPE tokenizer trained on the seed articles and a
  ChatML chat template (the SmolLM2 layout), saved with ``save_pretrained``.
- ``write_gguf(hf_dir, path)``: the same model written as a GGUF file (llama arch, gpt2 tokenizer, F32
  tensors, q/k permuted as llama.cpp's converter does), so the gguf backend reads a real file.
- ``tiny_seq2seq(dir)``: a 1-layer T5 with a sentencepiece unigram tokenizer trained on the seeds.
- ``tiny_bert(dir)`` / ``tiny_sentence_model(dir)``: a 2-layer BERT over a word vocabulary (a classifier with a
  ``head``), and that BERT as a sentence-transformers folder with a pooling and normalisation.
"""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")

# A word-level vocabulary for the tiny BERT encoders.
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "mayor", "said", "not", "police", "rain", "fell",
         "on", "monday", "two", "three", "people", "died", "."]


# The prompts every generator test sends: one chat prompt with a system turn, one plain string.
PROMPTS = [
    [{"role": "system", "content": "Write one neutral sentence."},
     {"role": "user", "content": "Harbor Herald: The bridge reopened on Monday."}],
    "Valley Tribune: The council voted to repair the bridge.",
]


def seed_text() -> list[str]:
    lines = []
    for f in sorted(SEEDS.iterdir()):
        lines += [x.strip() for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    return lines


def tiny_causal(out: Path, seed: int = 0, tied: bool = False) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(seed_text(), trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|im_start|>", eos_token="<|im_end|>",
                                   unk_token="<|endoftext|>", pad_token="<|endoftext|>")
    fast.chat_template = CHATML
    torch.manual_seed(seed)
    cfg = LlamaConfig(vocab_size=tok.get_vocab_size(), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                      num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=512,
                      bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
                      tie_word_embeddings=tied, rope_theta=10000.0)
    model = LlamaForCausalLM(cfg).eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    fast.save_pretrained(out)
    return out


def _permute(w, n_head: int):
    """llama.cpp's convert_hf_to_gguf permutation of q/k rows (transformers reverses it at load)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_gguf(hf_dir: Path, path: Path) -> Path:
    import gguf
    from transformers import AutoTokenizer, LlamaForCausalLM

    model = LlamaForCausalLM.from_pretrained(hf_dir)
    tok = AutoTokenizer.from_pretrained(hf_dir)
    cfg = model.config
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_block_count(cfg.num_hidden_layers)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_vocab_size(cfg.vocab_size)
    w.add_rope_dimension_count(cfg.hidden_size // cfg.num_attention_heads)
    vocab = tok.backend_tokenizer.get_vocab()
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    import json

    merges = json.loads(tok.backend_tokenizer.to_str())["model"]["merges"]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("smollm")
    w.add_token_list(tokens)
    w.add_token_types([3 if t.startswith("<|") else 1 for t in tokens])
    w.add_token_merges([m if isinstance(m, str) else " ".join(m) for m in merges])
    w.add_bos_token_id(tok.bos_token_id)
    w.add_eos_token_id(tok.eos_token_id)
    w.add_unk_token_id(tok.unk_token_id)
    w.add_pad_token_id(tok.pad_token_id)
    w.add_add_bos_token(False)
    w.add_chat_template(CHATML)
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    names = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
             "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
             "mlp.down_proj": "ffn_down", "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm"}
    w.add_tensor("token_embd.weight", sd["model.embed_tokens.weight"])
    w.add_tensor("output_norm.weight", sd["model.norm.weight"])
    w.add_tensor("output.weight", sd["lm_head.weight"])
    for i in range(cfg.num_hidden_layers):
        for hf, gg in names.items():
            t = sd[f"model.layers.{i}.{hf}.weight"]
            if gg == "attn_q":
                t = _permute(t, cfg.num_attention_heads)
            elif gg == "attn_k":
                t = _permute(t, cfg.num_key_value_heads)
            w.add_tensor(f"blk.{i}.{gg}.weight", t)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def tiny_seq2seq(out: Path, seed: int = 0) -> Path:
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus.txt"
    corpus.write_text("\n".join(seed_text()), encoding="utf-8")
    spm.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(out / "spiece"), vocab_size=300,
                                   pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>",
                                   model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
                                   minloglevel=2)
    sp = spm.SentencePieceProcessor(model_file=str(out / "spiece.model"))
    # The unigram pieces and scores sentencepiece learnt (reading spiece.model directly needs protobuf).
    tok = T5Tokenizer(vocab=[(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())],
                      extra_ids=0)
    cfg = T5Config(vocab_size=len(tok), d_model=32, d_ff=64, d_kv=16, num_layers=1, num_decoder_layers=1,
                   num_heads=2, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    torch.manual_seed(seed)
    model = T5ForConditionalGeneration(cfg).eval()
    with torch.no_grad():  # a zero EOS/pad row (logit 0) loses to the max of 300 random logits: it writes words
        model.lm_head.weight[[0, 1]] = 0.0  # (tied to the input embedding)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


def tiny_bert(out: Path, seed: int = 0, head: dict[int, str] | None = None) -> Path:
    """A 2-layer BERT over :data:`WORDS` (a classifier when ``head`` names its labels)."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizerFast

    kw = {"num_labels": len(head), "id2label": head, "label2id": {v: k for k, v in head.items()}} if head else {}
    cfg = BertConfig(vocab_size=len(WORDS), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=64, **kw)
    torch.manual_seed(seed)
    (BertForSequenceClassification if head else BertModel)(cfg).eval().save_pretrained(out)
    BertTokenizerFast(vocab={w: i for i, w in enumerate(WORDS)}).save_pretrained(out)
    return out


def tiny_sentence_model(tmp_path: Path, seed: int = 0, name: str = "st", pooling: str = "mean") -> Path:
    """A 2-layer BERT with ``pooling`` and normalisation, saved as a sentence-transformers folder."""
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6 moved the modules
        from sentence_transformers.sentence_transformer import modules as st
    except ImportError:
        from sentence_transformers import models as st
    bert = tiny_bert(tmp_path / f"{name}-bert", seed)
    word = st.Transformer(str(bert), max_seq_length=32)
    dim = (getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension)()
    modules = [word, st.Pooling(dim, pooling), st.Normalize()]
    out = tmp_path / name
    SentenceTransformer(modules=modules, device="cpu").save(str(out))
    return out
