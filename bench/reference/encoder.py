"""A tiny BERT-shaped text encoder in PyTorch, exported to ONNX in the Hugging Face folder layout.

Writes the `embed` step's fixture and its reference figures:
- test/fixtures/encoder/tiny-bert/: config.json, tokenizer.json (a Hugging Face tokenizers-format
  WordPiece tokenizer: BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing
  [CLS] $A [SEP]), tokenizer_config.json and onnx/model.onnx (inputs input_ids, attention_mask,
  token_type_ids; output last_hidden_state; dynamic batch and sequence axes). The vocabulary is the
  words of test/fixtures/workspace/data/reviews.csv, single characters and a few word pieces.
- test/fixtures/encoder/no-hidden-state/: the same files with a model whose only output is `logits`
  (the step must refuse it).
- test/fixtures/reference/encoder.json: for a handful of texts, the WordPiece tokens and ids this
  script computes (hand-checkable: the tokens are listed), and the mean and cls pooled embeddings,
  normalized and not, that the PyTorch module computes (each text alone, no padding).

Run: /usr/bin/python3 bench/reference/encoder.py            (needs Debian's python3-torch, python3-onnx)
     /usr/bin/python3 bench/reference/encoder.py --bench DIR TEXTS.json
        builds a MiniLM-sized random-weight encoder (6 layers, hidden 384, 12 heads) into DIR and
        prints the PyTorch module's texts/s on the texts (bench/embed.ts runs this).
"""
import json
import math
import os
import sys
import time
import unicodedata

import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
REVIEWS = os.path.join(ROOT, "test", "fixtures", "workspace", "data", "reviews.csv")
FIXTURE = os.path.join(ROOT, "test", "fixtures", "encoder")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "encoder.json")

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PIECES = ["play", "##ing", "##ed", "un", "##play", "##s", "##ly", "##er"]
MAX_LENGTH = 16


# --- the tokenizer: what tokenizers' BertNormalizer, BertPreTokenizer and WordPiece do ---


def is_punctuation(ch):
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co")


def normalize(text):
    """BertNormalizer(clean_text, handle_chinese_chars, strip_accents=None → with lowercase, lowercase)."""
    out = []
    for ch in text:
        if ord(ch) == 0 or ord(ch) == 0xFFFD or is_control(ch):
            continue
        out.append(" " if ch.isspace() else ch)
    text = "".join(out).lower()
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def pre_tokenize(text):
    """BertPreTokenizer: splits on whitespace, and each punctuation character is a word of its own."""
    words, current = [], []
    for ch in text:
        if ch.isspace():
            if current:
                words.append("".join(current))
                current = []
        elif is_punctuation(ch):
            if current:
                words.append("".join(current))
                current = []
            words.append(ch)
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words


def wordpiece(word, vocab):
    """Greedy longest-match-first; a word that cannot be split is [UNK]."""
    if len(word) > 100:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(word):
        end, found = len(word), None
        while start < end:
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                found = piece
                break
            end -= 1
        if found is None:
            return ["[UNK]"]
        pieces.append(found)
        start = end
    return pieces


def tokenize(text, vocab, max_length):
    """[CLS] pieces [SEP], truncated to max_length tokens (specials included) as tokenizers truncates."""
    pieces = [p for w in pre_tokenize(normalize(text)) for p in wordpiece(w, vocab)]
    truncated = len(pieces) + 2 > max_length
    pieces = pieces[: max_length - 2]
    tokens = ["[CLS]"] + pieces + ["[SEP]"]
    return tokens, [vocab[t] for t in tokens], truncated


def build_vocab(pad_to=0):
    words = set()
    with open(REVIEWS, encoding="utf8") as f:
        next(f)
        for line in f:
            text = line.rsplit(",", 1)[0]
            words.update(w for w in pre_tokenize(normalize(text)) if not all(is_punctuation(c) for c in w))
    chars = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    punctuation = list(".,!?'\"-:;()")
    tokens = []
    for token in SPECIALS + punctuation + chars + ["##" + c for c in chars] + PIECES + sorted(words - set(chars) - set(PIECES)):
        if token not in tokens:
            tokens.append(token)
    for i in range(len(tokens), pad_to):
        tokens.append(f"[unused{i}]")
    return {t: i for i, t in enumerate(tokens)}


# --- the encoder: a BERT layer written out (embeddings, self-attention, feed-forward, LayerNorm) ---


class BertLayer(nn.Module):
    def __init__(self, hidden, heads, intermediate, eps):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attention_out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=eps)
        self.intermediate = nn.Linear(hidden, intermediate)
        self.output = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=eps)

    def split(self, x):
        b, s, h = x.shape
        return x.view(b, s, self.heads, h // self.heads).transpose(1, 2)

    def forward(self, x, additive_mask):
        b, s, h = x.shape
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(h // self.heads) + additive_mask
        context = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, s, h)
        x = self.attention_norm(x + self.attention_out(context))
        return self.output_norm(x + self.output(torch.nn.functional.gelu(self.intermediate(x))))


class BertEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        hidden, eps = config["hidden_size"], config["layer_norm_eps"]
        self.word = nn.Embedding(config["vocab_size"], hidden)
        self.position = nn.Embedding(config["max_position_embeddings"], hidden)
        self.token_type = nn.Embedding(config["type_vocab_size"], hidden)
        self.norm = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            BertLayer(hidden, config["num_attention_heads"], config["intermediate_size"], eps) for _ in range(config["num_hidden_layers"])
        )
        self.register_buffer("position_ids", torch.arange(config["max_position_embeddings"]).unsqueeze(0), persistent=False)

    def forward(self, input_ids, attention_mask, token_type_ids):
        positions = self.position_ids[:, : input_ids.shape[1]]
        x = self.norm(self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids))
        additive = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, additive)
        return x


def make_config(vocab_size, hidden, layers, heads, intermediate, max_positions):
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": vocab_size,
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": intermediate,
        "hidden_act": "gelu",
        "max_position_embeddings": max_positions,
        "type_vocab_size": 2,
        "layer_norm_eps": 1e-12,
        "pad_token_id": 0,
    }


def tokenizer_json(vocab):
    special = lambda token: {"id": token, "type_id": 0}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": vocab[t], "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for t in SPECIALS
        ],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": special("[CLS]")}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": special("[SEP]")}],
            "pair": [
                {"SpecialToken": special("[CLS]")},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": special("[SEP]")},
                {"Sequence": {"id": "B", "type_id": 1}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 1}},
            ],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab},
    }


def tokenizer_config(max_positions):
    return {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": max_positions,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "mask_token": "[MASK]",
    }


def write_json(path, value):
    with open(path, "w", encoding="utf8") as f:
        json.dump(value, f, indent=1, ensure_ascii=False)
        f.write("\n")


def export(module, folder, config, vocab):
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    write_json(os.path.join(folder, "config.json"), config)
    write_json(os.path.join(folder, "tokenizer.json"), tokenizer_json(vocab))
    write_json(os.path.join(folder, "tokenizer_config.json"), tokenizer_config(config["max_position_embeddings"]))
    ids = torch.tensor([[2, 10, 11, 3], [2, 12, 3, 0]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    axes = {0: "batch", 1: "sequence"}
    torch.onnx.export(
        module,
        (ids, mask, torch.zeros_like(ids)),
        os.path.join(folder, "onnx", "model.onnx"),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "last_hidden_state": {0: "batch", 1: "sequence"}},
        opset_version=14,
        do_constant_folding=True,
    )


def build(folder, vocab, hidden, layers, heads, intermediate, max_positions, seed, std):
    torch.manual_seed(seed)
    config = make_config(len(vocab), hidden, layers, heads, intermediate, max_positions)
    module = BertEncoder(config)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if "norm" in name:
                p.copy_(1.0 + 0.1 * torch.randn_like(p) if name.endswith("weight") else 0.1 * torch.randn_like(p))
            else:
                p.normal_(0.0, std)
    module.eval()
    export(module, folder, config, vocab)
    return module


def pooled(hidden, pooling, normalize_):
    """hidden: [tokens, width] float32 of one text → its pooled embedding in float64."""
    h = hidden.astype(np.float64)
    v = h.mean(axis=0) if pooling == "mean" else h[0]
    if normalize_:
        v = v / max(np.linalg.norm(v), 1e-12)
    return v


def no_hidden_state_model(folder, vocab, source):
    """Same tokenizer and config, but the graph's only output is `logits` (a cast of the ids)."""
    import onnx
    from onnx import TensorProto, helper

    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        with open(os.path.join(source, name), encoding="utf8") as f:
            value = json.load(f)
        os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
        write_json(os.path.join(folder, name), value)
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"]) for n in ("input_ids", "attention_mask", "token_type_ids")]
    output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "sequence"])
    graph = helper.make_graph([helper.make_node("Cast", ["input_ids"], ["logits"], to=TensorProto.FLOAT)], "no_hidden_state", inputs, [output])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(folder, "onnx", "model.onnx"))


TEXTS = [
    "The movie was amazing.",
    "Playing unplayed games!",
    "Café NAÏVE résumé",
    "",
    "xyzzy 😀",
    "The acting was awful, the plot was boring and the ending was the worst I have seen in years.",
]


def fixture():
    vocab = build_vocab()
    folder = os.path.join(FIXTURE, "tiny-bert")
    module = build(folder, vocab, hidden=32, layers=2, heads=4, intermediate=64, max_positions=64, seed=0, std=0.3)
    no_hidden_state_model(os.path.join(FIXTURE, "no-hidden-state"), vocab, folder)
    texts = []
    for text in TEXTS:
        tokens, ids, truncated = tokenize(text, vocab, MAX_LENGTH)
        with torch.no_grad():
            ids_t = torch.tensor([ids])
            hidden = module(ids_t, torch.ones_like(ids_t), torch.zeros_like(ids_t))[0].numpy()
        embeddings = {
            f"{pooling}{'_normalized' if norm else ''}": [round(float(x), 9) for x in pooled(hidden, pooling, norm)]
            for pooling in ("mean", "cls")
            for norm in (False, True)
        }
        texts.append({"text": text, "tokens": tokens, "ids": ids, "truncated": truncated, "embeddings": embeddings})
    write_json(
        OUT,
        {
            "source": "bench/reference/encoder.py (PyTorch %s)" % torch.__version__,
            "model": "test/fixtures/encoder/tiny-bert",
            "max_length": MAX_LENGTH,
            "hidden_size": 32,
            "vocab_size": len(vocab),
            "texts": texts,
        },
    )
    print(f"wrote {folder} ({len(vocab)} tokens) and {OUT}")


def bench(folder, texts_file):
    """MiniLM-sized random encoder into `folder`; prints the PyTorch module's texts/s on the texts as JSON."""
    vocab = build_vocab(pad_to=30522)
    module = build(folder, vocab, hidden=384, layers=6, heads=12, intermediate=1536, max_positions=512, seed=1, std=0.02)
    with open(texts_file, encoding="utf8") as f:
        settings = json.load(f)
    texts, batch, max_length = settings["texts"], settings["batch_size"], settings["max_length"]
    # Every core, as onnxruntime's default intra-op pool (Debian's torch starts with one thread here).
    torch.set_num_threads(os.cpu_count() or 1)
    started = time.perf_counter()
    rows = []
    with torch.no_grad():
        for start in range(0, len(texts), batch):
            encoded = [tokenize(t, vocab, max_length)[1] for t in texts[start : start + batch]]
            width = max(len(ids) for ids in encoded)
            ids = torch.tensor([e + [0] * (width - len(e)) for e in encoded])
            mask = torch.tensor([[1] * len(e) + [0] * (width - len(e)) for e in encoded])
            hidden = module(ids, mask, torch.zeros_like(ids))
            m = mask.unsqueeze(-1).to(hidden.dtype)
            v = (hidden * m).sum(1) / m.sum(1)
            rows.append(torch.nn.functional.normalize(v, dim=1))
    seconds = time.perf_counter() - started
    first = torch.cat(rows)[0, :4].tolist()
    print(json.dumps({"texts": len(texts), "seconds": seconds, "texts_per_s": len(texts) / seconds, "threads": torch.get_num_threads(), "first": first}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--bench":
        bench(sys.argv[2], sys.argv[3])
    else:
        fixture()
