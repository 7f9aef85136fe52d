"""Text-level mutators of MLIR sources for the mutation fuzzer (fuzz.py).

Every mutator is a function `(text, rng) -> text or None` (None: it does
not apply to this text). They work on the text, not on parsed IR, so that
they also produce inputs that no longer parse, half-typed IR, and so on.
All randomness comes from the `random.Random` passed in, so a mutant is a
pure function of (seed text, rng state).

Uses only the standard library.
"""

import re

# ---------------------------------------------------------------- types

ELEM_TYPES = ["f32", "bf16", "f16", "f64", "i1", "i8", "i16", "i32", "i64",
              "index"]
# Rarer element types, picked as replacements only now and then: every
# float type of the builtin dialect, odd integer widths, signed/unsigned
# integers and non-scalar elements.
EXOTIC_FLOATS = ["f80", "f128", "tf32", "f8E4M3FN", "f8E5M2", "f8E4M3",
                 "f8E4M3FNUZ", "f8E5M2FNUZ", "f8E4M3B11FNUZ", "f8E3M4",
                 "f8E8M0FNU", "f6E2M3FN", "f6E3M2FN", "f4E2M1FN"]
EXOTIC_TYPES = EXOTIC_FLOATS + [
    "i2", "i4", "i17", "i65", "i128", "ui8", "si32", "complex<f32>",
    "vector<4xf32>", "none"]

# An element type: a whole token, or the element of a shape (`4xf32`,
# `?xf32`, `[4]xf32`).
TYPE_RE = re.compile(
    r"(?:(?<=\dx)|(?<=\?x)|(?<=\]x)|(?<![\w.$@%#!-]))"
    r"(f16|bf16|f32|f64|i1|i8|i16|i32|i64|index)(?![\w.])")


def _pick_type(rng, avoid):
    pool = EXOTIC_TYPES if rng.random() < 0.1 else ELEM_TYPES
    choice = rng.choice(pool)
    if choice == avoid:
        choice = rng.choice([t for t in ELEM_TYPES if t != avoid])
    return choice


def _retype(text, rng, among, pick, share=1.0):
    """Replaces one element type of `text` (one of `among`, or any) by
    `pick(rng, old)`: every occurrence, or each with probability `share`."""
    found = sorted(set(m.group(1) for m in TYPE_RE.finditer(text)
                       if among is None or m.group(1) in among))
    if not found:
        return None
    old = rng.choice(found)
    new = pick(rng, old)
    return TYPE_RE.sub(
        lambda m: new if m.group(1) == old and
        (share >= 1.0 or rng.random() < share) else m.group(0), text)


def type_global(text, rng):
    """Replaces every occurrence of one element type by another."""
    return _retype(text, rng, None, _pick_type)


def type_local(text, rng):
    """Replaces one occurrence of an element type."""
    matches = list(TYPE_RE.finditer(text))
    if not matches:
        return None
    m = rng.choice(matches)
    return text[:m.start()] + _pick_type(rng, m.group(1)) + text[m.end():]


# --------------------------------------------------------------- shapes

# The dimension list of a shaped type: `tensor<4x?x8x` -> group 2 = `4x?x8x`.
SHAPE_RE = re.compile(r"\b(tensor|memref|vector)<((?:(?:\d+|\?|\[\d+\])x)+)")
DIM_RE = re.compile(r"\d+|\?")

SMALL_DIMS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64]
HUGE_DIMS = [2**31, 4000000000, 2**62, 2**63, 99999999999999999999]


def _new_dim(rng, old):
    r = rng.random()
    if r < 0.04:
        return str(rng.choice(HUGE_DIMS))
    if r < 0.2:
        return "?"
    if r < 0.4 and old.isdigit():
        n = int(old)
        return str(rng.choice([n + 1, max(n - 1, 0), n * 2]))
    return str(rng.choice(SMALL_DIMS))


def _shape_spans(text):
    """(start, end) spans of every dimension inside shaped types."""
    spans = []
    for m in SHAPE_RE.finditer(text):
        base = m.start(2)
        for d in DIM_RE.finditer(m.group(2)):
            spans.append((base + d.start(), base + d.end()))
    return spans


def shape_global(text, rng):
    """Replaces one dimension value by another in every shaped type."""
    spans = _shape_spans(text)
    if not spans:
        return None
    values = sorted(set(text[s:e] for s, e in spans))
    old = rng.choice(values)
    new = _new_dim(rng, old)
    out, last = [], 0
    for s, e in spans:
        if text[s:e] == old:
            out.append(text[last:s])
            out.append(new)
            last = e
    out.append(text[last:])
    return "".join(out)


def shape_local(text, rng):
    """Changes one dimension of one shaped type."""
    spans = _shape_spans(text)
    if not spans:
        return None
    s, e = rng.choice(spans)
    return text[:s] + _new_dim(rng, text[s:e]) + text[e:]


def shape_rank(text, rng):
    """Adds or removes one dimension of one shaped type, or makes it
    unranked."""
    matches = list(SHAPE_RE.finditer(text))
    if not matches:
        return None
    m = rng.choice(matches)
    dims = m.group(2)[:-1].split("x")
    r = rng.random()
    if r < 0.1 and m.group(1) != "vector":
        new = "*x"
    elif r < 0.55 and dims:
        del dims[rng.randrange(len(dims))]
        new = "".join(d + "x" for d in dims)
    else:
        dims.insert(rng.randrange(len(dims) + 1), _new_dim(rng, "1"))
        new = "".join(d + "x" for d in dims)
    return text[:m.start(2)] + new + text[m.end(2):]


def shape_rank0(text, rng):
    """Turns every shaped type of one rank-1 shape into a rank-0 one (or
    the other way round)."""
    matches = list(SHAPE_RE.finditer(text))
    scalars = list(re.finditer(r"\btensor<(?=[a-z])", text))
    if scalars and (not matches or rng.random() < 0.5):
        m = rng.choice(scalars)
        return text[:m.end()] + str(rng.choice(SMALL_DIMS)) + "x" + \
            text[m.end():]
    if not matches:
        return None
    m = rng.choice(matches)
    return text[:m.start(2)] + text[m.end(2):]


# ------------------------------------------------------------ constants

NUM_RE = re.compile(
    r"(?<![\w.%#@$^-])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])")
HEX_RE = re.compile(r"(?<![\w%#@$])0x[0-9A-Fa-f]+\b")

INT_VALUES = ["0", "1", "-1", "2", "3", "7", "8", "255", "256", "-128",
              "65535", str(2**31 - 1), str(2**31), str(-2**31), str(2**32),
              str(2**63 - 1), str(-2**63), str(2**64),
              "99999999999999999999"]
FLOAT_VALUES = ["0.0", "-0.0", "1.0", "-1.0", "0.5", "1.0e+38", "3.4e+38",
                "1.0e+39", "-1.0e+39", "1.0e-40", "1.0e-45", "1.0e-310",
                "6.5e+04", "1.0e+300", "0x7FC00000", "0x7F800000",
                "0xFF800000", "0x7F80", "0xFFFF", "0x0", "nan", "inf"]


def constant(text, rng):
    """Replaces one numeric literal (integer, float or hex) by an
    interesting value."""
    matches = list(NUM_RE.finditer(text)) + list(HEX_RE.finditer(text))
    if not matches:
        return None
    m = rng.choice(matches)
    old = m.group(0)
    r = rng.random()
    is_float = "." in old or "e" in old.lower() or old.startswith("0x")
    if r < 0.15:
        new = rng.choice(FLOAT_VALUES if not is_float else INT_VALUES)
    elif r < 0.4 and not old.startswith("0x"):
        try:
            v = float(old)
            cand = [v + 1, v - 1, -v, v * 2]
            new = repr(rng.choice(cand)) if is_float else \
                str(int(rng.choice(cand)))
        except ValueError:
            new = "0"
    else:
        new = rng.choice(FLOAT_VALUES if is_float else INT_VALUES)
    return text[:m.start()] + new + text[m.end():]


# --------------------------------------------------------- affine maps

MAP_RE = re.compile(
    r"affine_map<\(([^()]*)\)(\[[^\]]*\])?\s*->\s*\(((?:[^()]|\([^()]*\))*)\)>")


def _split_top(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def affine_map(text, rng):
    """Changes one affine map: swaps, drops, duplicates or replaces a
    result, or adds/drops a domain dimension."""
    matches = list(MAP_RE.finditer(text))
    if not matches:
        return None
    m = rng.choice(matches)
    dims = _split_top(m.group(1))
    syms = m.group(2) or ""
    res = _split_top(m.group(3))
    op = rng.randrange(7)
    if op == 0 and len(res) >= 2:
        i, j = rng.sample(range(len(res)), 2)
        res[i], res[j] = res[j], res[i]
    elif op == 1 and res:
        del res[rng.randrange(len(res))]
    elif op == 2:
        res.insert(rng.randrange(len(res) + 1),
                   rng.choice(dims) if dims else "0")
    elif op == 3 and res:
        k = rng.randrange(len(res))
        choices = ["0", "1"]
        if dims:
            d = rng.choice(dims)
            choices += [d + " + 1", d + " * 2", d + " floordiv 2",
                        d + " mod 3", rng.choice(dims) + " + " + d,
                        d + " * " + d]
        res[k] = rng.choice(choices)
    elif op == 4:
        dims.append("d%d" % (len(dims) + 7))
    elif op == 5 and dims:
        del dims[rng.randrange(len(dims))]
    else:
        res = list(reversed(res))
    new = "affine_map<(%s)%s -> (%s)>" % (", ".join(dims), syms,
                                          ", ".join(res))
    return text[:m.start()] + new + text[m.end():]


ITER_RE = re.compile(r"iterator_types\s*=\s*\[([^\]]*)\]")
MAPS_LIST_RE = re.compile(r"indexing_maps\s*=\s*\[([^\]]*)\]")


def iterators(text, rng):
    """Flips, drops or adds one iterator type, or permutes an
    indexing_maps list."""
    its = list(ITER_RE.finditer(text))
    maps = [m for m in MAPS_LIST_RE.finditer(text) if "," in m.group(1)]
    if not its and not maps:
        return None
    if its and (not maps or rng.random() < 0.6):
        m = rng.choice(its)
        items = _split_top(m.group(1))
        r = rng.random()
        if items and r < 0.5:
            k = rng.randrange(len(items))
            items[k] = '"reduction"' if "parallel" in items[k] \
                else '"parallel"'
        elif items and r < 0.75:
            del items[rng.randrange(len(items))]
        else:
            items.append(rng.choice(['"parallel"', '"reduction"',
                                     '"window"']))
        return text[:m.start(1)] + ", ".join(items) + text[m.end(1):]
    m = rng.choice(maps)
    items = _split_top(m.group(1))
    if len(items) < 2:
        return None
    if rng.random() < 0.5:
        i, j = rng.sample(range(len(items)), 2)
        items[i], items[j] = items[j], items[i]
    else:
        del items[rng.randrange(len(items))]
    return text[:m.start(1)] + ", ".join(items) + text[m.end(1):]


# ---------------------------------------------------- integer-array attrs

ARRAY_ATTR_RE = re.compile(
    r"\b(dimensions|permutation|reassociation|static_sizes|static_offsets|"
    r"static_strides|strides|dilations|perms|axis|outer_dims_perm|"
    r"inner_dims_pos)\s*=\s*(\[[^\]]*\]|array<[^>]*>|\d+)")


def int_array_attr(text, rng):
    """Changes an integer-array attribute such as `dimensions = [0]`: an
    element out of range, negative, duplicated, dropped or huge."""
    matches = list(ARRAY_ATTR_RE.finditer(text))
    if not matches:
        return None
    m = rng.choice(matches)
    body = m.group(2)
    nums = list(re.finditer(r"-?\d+", body))
    vals = [str(rng.choice([-1, 2, 3, 5, 64, 2**31, 2**63, 2**64,
                            99999999999999999999]))]
    if nums:
        n = rng.choice(nums)
        r = rng.random()
        if r < 0.5:
            body = body[:n.start()] + rng.choice(vals) + body[n.end():]
        elif r < 0.75:
            body = body[:n.end()] + ", " + n.group(0) + body[n.end():]
        else:
            body = body[:n.start()] + body[n.end():]
            body = re.sub(r",\s*,", ",", body)
            body = re.sub(r"\[\s*,\s*", "[", body)
            body = re.sub(r",\s*\]", "]", body)
    else:
        body = body.replace("[", "[" + rng.choice(vals), 1)
    return text[:m.start(2)] + body + text[m.end(2):]


# ------------------------------------------------------------- lines

def _lines(text):
    return text.splitlines(keepends=True)


def delete_lines(text, rng):
    """Deletes one to three consecutive lines."""
    lines = _lines(text)
    if len(lines) < 2:
        return None
    k = rng.choice([1, 1, 1, 2, 3])
    i = rng.randrange(len(lines))
    del lines[i:i + k]
    return "".join(lines)


def duplicate_line(text, rng):
    """Duplicates one line (a redefined SSA value, a second terminator,
    ...)."""
    lines = _lines(text)
    if not lines:
        return None
    i = rng.randrange(len(lines))
    j = rng.randrange(len(lines) + 1)
    lines.insert(j, lines[i])
    return "".join(lines)


def swap_lines(text, rng):
    """Swaps two nearby lines (use before definition, ...)."""
    lines = _lines(text)
    if len(lines) < 2:
        return None
    i = rng.randrange(len(lines) - 1)
    j = min(len(lines) - 1, i + rng.choice([1, 1, 2, 3]))
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def truncate(text, rng):
    """Cuts the file at a random character or line."""
    if len(text) < 2:
        return None
    if rng.random() < 0.5:
        return text[:rng.randrange(1, len(text))]
    lines = _lines(text)
    return "".join(lines[:rng.randrange(len(lines))])


# ----------------------------------------------------------- operands

SSA_RE = re.compile(r"%[\w$.-]+(?:#\d+)?")
PAIR_RE = re.compile(r"(%[\w$.-]+(?:#\d+)?)(\s*,\s*)(%[\w$.-]+(?:#\d+)?)")


def swap_operands(text, rng):
    """Swaps two adjacent SSA operands `%a, %b` (on a line that is not a
    definition list)."""
    matches = [m for m in PAIR_RE.finditer(text)
               if not text[m.end():m.end() + 4].lstrip().startswith("=")
               and m.group(1) != m.group(3)]
    if not matches:
        return None
    m = rng.choice(matches)
    return text[:m.start()] + m.group(3) + m.group(2) + m.group(1) + \
        text[m.end():]


def replace_use(text, rng):
    """Replaces one SSA use by another value of the file (type confusion,
    use of a value from another region, ...)."""
    uses = [m for m in SSA_RE.finditer(text)
            if not text[m.end():m.end() + 4].lstrip().startswith(("=", ":"))
            and not text[m.end():m.end() + 4].lstrip().startswith(",")]
    names = sorted(set(m.group(0) for m in SSA_RE.finditer(text)))
    if not uses or len(names) < 2:
        return None
    m = rng.choice(uses)
    new = rng.choice([n for n in names if n != m.group(0)])
    return text[:m.start()] + new + text[m.end():]


# ------------------------------------------------------- ops and words

OP_RE = re.compile(r"\b(arith|math|linalg|tensor|lowp|tosa|memref|scf|func|"
                   r"bufferization|vector|affine)\.([a-z_0-9]+)\b")
ALT_OPS = {
    "arith": ["addf", "subf", "mulf", "divf", "maximumf", "minimumf",
              "negf", "remf", "addi", "muli", "truncf", "extf", "select",
              "cmpf", "sitofp", "fptosi", "bitcast", "constant"],
    "math": ["exp", "log", "tanh", "sqrt", "rsqrt", "absf", "fma", "powf",
             "erf"],
    "linalg": ["matmul", "batch_matmul", "matvec", "vecmat", "dot",
               "generic", "fill", "reduce", "broadcast", "transpose", "map",
               "copy", "conv_2d_nhwc_hwcf", "pooling_nhwc_max",
               "elementwise", "yield", "index", "add", "exp"],
    "tensor": ["empty", "extract_slice", "insert_slice", "expand_shape",
               "collapse_shape", "pad", "extract", "insert", "cast",
               "reshape", "splat"],
    "lowp": ["round", "sr_add", "kahan_update", "split_update",
             "random_bits", "state", "state_of"],
}


def swap_op_name(text, rng):
    """Renames one operation to another of its dialect (same syntax or
    not)."""
    matches = [m for m in OP_RE.finditer(text) if m.group(1) in ALT_OPS]
    if not matches:
        return None
    m = rng.choice(matches)
    same_file = sorted(set(x.group(2) for x in OP_RE.finditer(text)
                           if x.group(1) == m.group(1)))
    pool = ALT_OPS[m.group(1)] + same_file
    new = rng.choice([p for p in pool if p != m.group(2)] or pool)
    return text[:m.start(2)] + new + text[m.end(2):]


# Operations that take the same operands and print the same way: a swap
# within a group keeps most inputs valid and reaches other lowerings.
OP_GROUPS = [
    ["arith.addf", "arith.subf", "arith.mulf", "arith.divf",
     "arith.maximumf", "arith.minimumf", "arith.maxnumf", "arith.minnumf",
     "arith.remf", "math.powf", "math.atan2", "math.copysign"],
    ["arith.addi", "arith.subi", "arith.muli", "arith.divsi", "arith.divui",
     "arith.remsi", "arith.remui", "arith.andi", "arith.ori", "arith.xori",
     "arith.maxsi", "arith.minsi", "arith.shli", "arith.shrui",
     "arith.shrsi", "arith.ceildivsi", "arith.floordivsi"],
    ["arith.negf", "math.exp", "math.log", "math.tanh", "math.sqrt",
     "math.rsqrt", "math.absf", "math.exp2", "math.log1p", "math.log2",
     "math.erf", "math.floor", "math.ceil", "math.expm1", "math.cos",
     "math.sin", "math.roundeven", "math.trunc", "math.cbrt", "math.round"],
    ["linalg.add", "linalg.sub", "linalg.mul", "linalg.div", "linalg.max",
     "linalg.min", "linalg.powf", "linalg.div_unsigned"],
    ["linalg.exp", "linalg.log", "linalg.abs", "linalg.negf", "linalg.sqrt",
     "linalg.rsqrt", "linalg.tanh", "linalg.erf", "linalg.floor",
     "linalg.ceil", "linalg.reciprocal", "linalg.square"],
    ["arith.truncf", "arith.extf"],
    ["arith.sitofp", "arith.uitofp"], ["arith.fptosi", "arith.fptoui"],
    ["arith.extsi", "arith.extui", "arith.trunci"],
]
OP_GROUP_OF = {op: g for g in OP_GROUPS for op in g}
# Enumerated keywords of the ops we own or lower.
KEYWORD_GROUPS = [
    ["nearest_even", "nearest_even_ftz", "toward_zero"],
    ["oeq", "ogt", "oge", "olt", "ole", "one", "ord", "ueq", "ugt", "uge",
     "ult", "ule", "une", "uno", "true", "false"],
    ["eq", "ne", "slt", "sle", "sgt", "sge", "ult", "ule", "ugt", "uge"],
    ['"parallel"', '"reduction"'],
]
OP_NAME_RE = re.compile(r"\b(?:arith|math|linalg)\.[a-z_0-9]+\b")


def swap_compatible_op(text, rng):
    """Renames one operation to another that takes the same operands
    (addf -> maximumf, exp -> rsqrt, linalg.add -> linalg.max, ...)."""
    matches = [m for m in OP_NAME_RE.finditer(text)
               if m.group(0) in OP_GROUP_OF]
    if not matches:
        return None
    m = rng.choice(matches)
    new = rng.choice([o for o in OP_GROUP_OF[m.group(0)] if o != m.group(0)])
    return text[:m.start()] + new + text[m.end():]


def swap_compatible_op_global(text, rng):
    """Renames every use of one operation to another that takes the same
    operands."""
    found = sorted(set(m.group(0) for m in OP_NAME_RE.finditer(text)
                       if m.group(0) in OP_GROUP_OF))
    if not found:
        return None
    old = rng.choice(found)
    new = rng.choice([o for o in OP_GROUP_OF[old] if o != old])
    return re.sub(r"\b%s\b" % re.escape(old), new, text)


def swap_keyword(text, rng):
    """Swaps an enumerated keyword (rounding mode, comparison predicate,
    iterator type) for another of its kind."""
    cands = []
    for g in KEYWORD_GROUPS:
        pat = r"(?<![\w.%@#$-])(" + "|".join(re.escape(k) for k in g) + \
            r")(?![\w.-])"
        for m in re.finditer(pat, text):
            cands.append((m, g))
    if not cands:
        return None
    m, g = rng.choice(cands)
    new = rng.choice([k for k in g if k != m.group(1)])
    return text[:m.start(1)] + new + text[m.end(1):]


FLOAT_TYPES = ["f32", "bf16", "f16", "f64"]


def _pick_float(rng, old):
    pool = EXOTIC_FLOATS if rng.random() < 0.3 else FLOAT_TYPES
    return rng.choice([t for t in pool if t != old])


def float_type_global(text, rng):
    """Replaces every occurrence of one float type by another float type
    (f32 -> bf16 everywhere: half-demoted input, mixed precision, ...)."""
    return _retype(text, rng, FLOAT_TYPES, _pick_float)


def float_type_some(text, rng):
    """Replaces each occurrence of one float type by another with
    probability one half, so that both meet (bf16 inputs and f32
    accumulators, extf/truncf between equal types, ...)."""
    return _retype(text, rng, FLOAT_TYPES, _pick_float, share=0.5)


INT_TYPES = ["i1", "i8", "i16", "i32", "i64", "index"]


def _pick_int(rng, old):
    pool = ["i2", "i4", "i17", "i65", "i128"] if rng.random() < 0.3 \
        else INT_TYPES
    return rng.choice([t for t in pool if t != old])


def int_type_global(text, rng):
    """Replaces every occurrence of one integer type by another (odd
    widths now and then)."""
    return _retype(text, rng, INT_TYPES, _pick_int)


STRING_RE = re.compile(r'"[^"\n]*"')
WORD_RE = re.compile(r"(?<![\w.%@#$^!\"-])[a-z_][a-z_0-9]*(?![\w.(<\"])")


def swap_word(text, rng):
    """Replaces a bare keyword or a string literal by another one of the
    file (enum values such as rounding modes, attribute names, ...)."""
    if rng.random() < 0.5:
        matches = list(STRING_RE.finditer(text))
        pool = sorted(set(m.group(0) for m in matches)) + ['""', '"x"']
    else:
        matches = list(WORD_RE.finditer(text))
        pool = sorted(set(m.group(0) for m in matches))
    if not matches or len(pool) < 2:
        return None
    m = rng.choice(matches)
    new = rng.choice([p for p in pool if p != m.group(0)])
    return text[:m.start()] + new + text[m.end():]


def drop_token(text, rng):
    """Deletes one token (a bracket, a comma, a colon, a word)."""
    tokens = list(re.finditer(r"[\w.%@#$]+|[^\s\w]", text))
    if not tokens:
        return None
    m = rng.choice(tokens)
    return text[:m.start()] + text[m.end():]


ARG_ATTR_RE = re.compile(r"\{(lowp\.[a-z_]+|bufferization\.[a-z_]+)[^{}]*\}")


def func_signature(text, rng):
    """Edits a function: makes it private or a declaration, drops a result
    type, or strips an argument attribute."""
    funcs = list(re.finditer(r"func\.func (?:private |public )?(@[\w$.]+)",
                             text))
    if not funcs:
        return None
    m = rng.choice(funcs)
    r = rng.random()
    if r < 0.3:
        return text[:m.start()] + "func.func private " + m.group(1) + \
            text[m.end():]
    if r < 0.5:
        attrs = list(ARG_ATTR_RE.finditer(text))
        if attrs:
            a = rng.choice(attrs)
            return text[:a.start()] + text[a.end():]
    if r < 0.75:
        rets = list(re.finditer(r"return\b[^\n]*", text))
        if rets:
            a = rng.choice(rets)
            return text[:a.start()] + "return" + text[a.end():]
    arrow = text.find("->", m.end())
    if arrow < 0:
        return None
    brace = text.find("{", arrow)
    if brace < 0:
        return None
    return text[:arrow] + text[brace:]


# (mutator, weight, mostly keeps the input valid)
MUTATORS = [
    (type_global, 2, False), (type_local, 2, False),
    (float_type_global, 4, True), (float_type_some, 2, False),
    (int_type_global, 1, True),
    (shape_global, 5, True), (shape_local, 2, False), (shape_rank, 2, False),
    (shape_rank0, 1, False),
    (constant, 4, True), (affine_map, 3, False), (iterators, 2, False),
    (int_array_attr, 2, False),
    (delete_lines, 3, False), (duplicate_line, 1, False),
    (swap_lines, 1, False), (truncate, 2, False),
    (swap_operands, 3, True), (replace_use, 2, False),
    (swap_op_name, 2, False), (swap_compatible_op, 4, True),
    (swap_compatible_op_global, 2, True), (swap_keyword, 2, True),
    (swap_word, 1, False), (drop_token, 1, False),
    (func_signature, 3, True),
]


def mutate(text, rng, max_tries=20):
    """Applies a few mutations; returns (mutant, [mutator names]).

    Two mutants in three stack one to four mutations that mostly keep the
    input valid (so that it reaches the pipelines); the others take one to
    three of any kind (mostly exercising the parser and verifiers)."""
    if rng.random() < 0.65:
        pool = [(f, w) for f, w, valid in MUTATORS if valid]
        count = rng.choices([1, 2, 3, 4], weights=[35, 30, 20, 15])[0]
    else:
        pool = [(f, w) for f, w, _ in MUTATORS]
        count = rng.choices([1, 2, 3], weights=[60, 30, 10])[0]
    funcs = [f for f, _ in pool]
    weights = [w for _, w in pool]
    names = []
    tries = 0
    while len(names) < count and tries < max_tries:
        tries += 1
        f = rng.choices(funcs, weights=weights)[0]
        try:
            out = f(text, rng)
        except (ValueError, IndexError):
            # A mutator that trips over an odd input does not apply to it.
            out = None
        if out is None or out == text:
            continue
        text = out
        names.append(f.__name__)
    return text, names
