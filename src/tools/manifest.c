/* The tokens manifest (dockerhub_oat_manifest.h): parsed with cJSON, checked strictly, every
 * refusal naming the line. cJSON keeps no positions, so the lines are found by one walk of the
 * text beside the tree (walk_*), cJSON having built the tree from the same text in the same order:
 * the walk records every node's line in document order, and the checks, which visit the tree in
 * that order too, read them with a cursor. Parsing is linear in the text (the walk once, every
 * duplicate check against a fixed set or a capped count).
 * One file, because the walk and the checks share the line cursor: a change to the order the
 * checks visit the tree is a change to the walk, and both are read here together. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "dockerhub_oat_manifest.h"
#include "internal.h"
#include "scopes.h"

/* Far above Docker Hub's limits (100 tokens on Business, 50 repositories a token); they keep
 * the duplicate checks, which compare pairs, fast on any input. */
#define MAX_TOKENS 1000
#define MAX_REPOS 1000
/* The largest manifest read. Docker Hub's own limits make the largest useful file (100 tokens, 50
 * repositories each with every scope, 200-character descriptions) under 1 MB; a bigger one is a
 * mistake or an attack, and cJSON's tree of 1 MiB is already some 20 MB of memory at worst. */
#define MAX_BYTES ((size_t)1024 * 1024)
/* The furthest expiry Docker Hub takes: a year ahead, as its manuals say and its page offers (the
 * API has taken more, and "9999y" made an expires_at in year 12019 that failed apply halfway). */
#define MAX_EXPIRY_DAYS 365
/* The longest label taken, in characters (code points). Docker Hub documents no limit; this bound
 * is ours, far above a useful label, and keeps a plan's lines readable. The CLI's create and
 * update apply the same label rule (bindings/label-rule.js), checked in the same order with the
 * same words: tests/cli/label-rule.test.js holds the two to one rule. */
#define MAX_LABEL_CHARS 100

/* The scopes a manifest may name (src/core/scopes.h, written from src/core/scopes.txt). */
#define FULL_NAME(s) "scope-" s,
static const char *const repo_scopes[] = {DH_REPO_SCOPES(FULL_NAME) NULL};
static const char *const org_scopes[] = {DH_ORG_SCOPES(FULL_NAME) NULL};

typedef struct node_line {
    const cJSON *node;
    int line;
} node_line;

typedef struct parser {
    const char *text; /* after any byte order mark */
    size_t len;
    cJSON *root;
    dh_arena *arena;
    dh_manifest_error *err;
    node_line *lines; /* every node the walk reached, in document order */
    size_t line_count, cursor;
} parser;

struct manifest_priv {
    cJSON *root;
    dh_arena *arena;
};

/* ---- lines ---- */

static int line_at(const char *text, size_t offset) {
    int line = 1;
    for (size_t i = 0; i < offset; i++) line += text[i] == '\n';
    return line;
}

typedef struct walk {
    const char *s;
    size_t len, pos;
    int line;
    node_line *out; /* room for every node of the tree */
    size_t count;
} walk;

static void walk_record(walk *w, const cJSON *node) {
    w->out[w->count++] = (node_line){node, w->line};
}

/* cJSON's own rule: every byte up to 0x20 is white space. */
static void walk_ws(walk *w) {
    while (w->pos < w->len && (unsigned char)w->s[w->pos] <= 0x20)
        w->line += w->s[w->pos++] == '\n';
}

static bool walk_string(walk *w) {
    if (w->pos >= w->len || w->s[w->pos] != '"') return false;
    for (w->pos++; w->pos < w->len; w->pos++) {
        char c = w->s[w->pos];
        if (c == '\\') w->pos++;
        else if (c == '"') return ++w->pos, true;
        else w->line += c == '\n';
    }
    return false;
}

static bool walk_value(walk *w, const cJSON *node, bool recorded);

/* Members of an object or items of an array; false once lost. A member's line is its key's. */
static bool walk_children(walk *w, const cJSON *node, bool keyed, char close) {
    w->pos++;
    for (const cJSON *c = node->child; c; c = c->next) {
        walk_ws(w);
        if (keyed) {
            walk_record(w, c);
            if (!walk_string(w)) return false;
            walk_ws(w);
            if (w->pos >= w->len || w->s[w->pos] != ':') return false;
            w->pos++;
        }
        if (!walk_value(w, c, keyed)) return false;
        walk_ws(w);
        if (w->pos < w->len && w->s[w->pos] == ',') w->pos++;
    }
    walk_ws(w);
    if (w->pos >= w->len || w->s[w->pos] != close) return false;
    w->pos++;
    return true;
}

static bool walk_value(walk *w, const cJSON *node, bool recorded) {
    walk_ws(w);
    if (!recorded) walk_record(w, node);
    if (w->pos >= w->len) return false;
    char c = w->s[w->pos];
    if (c == '{') return walk_children(w, node, true, '}');
    if (c == '[') return walk_children(w, node, false, ']');
    if (c == '"') return walk_string(w);
    while (w->pos < w->len && strchr(",}]", w->s[w->pos]) == NULL &&
           (unsigned char)w->s[w->pos] > 0x20)
        w->pos++;
    return true;
}

static size_t count_nodes(const cJSON *node) {
    size_t n = 1;
    for (const cJSON *c = node->child; c; c = c->next) n += count_nodes(c);
    return n;
}

/* The one walk: the line of every node, in document order. */
static bool record_lines(parser *p) {
    size_t n = count_nodes(p->root);
    walk w = {p->text, p->len, 0, 1, dh_arena_alloc(p->arena, n * sizeof(node_line)), 0};
    if (!w.out) return false;
    (void)walk_value(&w, p->root, false);
    p->lines = w.out;
    p->line_count = w.count;
    return true;
}

/* The line of a node: of its key for an object's member, else of its value. 0 if lost. The checks
 * ask in document order, so the search goes on from the last answer (linear overall); a refusal,
 * asked once, may look back. */
static int line_of(parser *p, const cJSON *node) {
    for (size_t k = 0; k < p->line_count; k++) {
        size_t i = (p->cursor + k) % p->line_count;
        if (p->lines[i].node == node) return p->cursor = i, p->lines[i].line;
    }
    return 0;
}

/* ---- text shown to a reviewer ---- */

/* The characters a reviewer cannot see for what they are: controls, format characters, line and
 * paragraph separators and every default-ignorable code point (Unicode 17). The same class as
 * INVISIBLE in bindings/text.js; tests/security/invisible-characters-escaped-and-refused.test.js
 * checks this table against it, code point by code point. Sorted, inclusive. */
static const uint32_t invisible[][2] = {
    /* invisible-table-start */
    {0x0, 0x1f},        {0x7f, 0x9f},       {0xad, 0xad},       {0x34f, 0x34f},
    {0x600, 0x605},     {0x61c, 0x61c},     {0x6dd, 0x6dd},     {0x70f, 0x70f},
    {0x890, 0x891},     {0x8e2, 0x8e2},     {0x115f, 0x1160},   {0x17b4, 0x17b5},
    {0x180b, 0x180f},   {0x200b, 0x200f},   {0x2028, 0x202e},   {0x2060, 0x206f},
    {0x3164, 0x3164},   {0xfe00, 0xfe0f},   {0xfeff, 0xfeff},   {0xffa0, 0xffa0},
    {0xfff0, 0xfffb},   {0x110bd, 0x110bd}, {0x110cd, 0x110cd}, {0x13430, 0x1343f},
    {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a}, {0xe0000, 0xe0fff},
    /* invisible-table-end */
};

static bool invisible_cp(uint32_t cp) {
    size_t lo = 0, hi = sizeof invisible / sizeof invisible[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < invisible[mid][0]) hi = mid;
        else if (cp > invisible[mid][1]) lo = mid + 1;
        else return true;
    }
    return false;
}

/* The length of the UTF-8 character at s (valid UTF-8), and its code point in *cp. */
static size_t utf8_at(const unsigned char *s, uint32_t *cp) {
    if (s[0] < 0x80) return *cp = s[0], 1;
    if ((s[0] & 0xE0) == 0xC0) return *cp = (s[0] & 0x1Fu) << 6 | (s[1] & 0x3Fu), 2;
    if ((s[0] & 0xF0) == 0xE0)
        return *cp = (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu), 3;
    return *cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3Fu) << 12 | (s[2] & 0x3Fu) << 6 | (s[3] & 0x3Fu),
           4;
}

/* The length of the character at s when it is an invisible one, else 0. s is valid UTF-8. */
static size_t unsafe_at(const unsigned char *s) {
    uint32_t cp;
    size_t n = utf8_at(s, &cp);
    return invisible_cp(cp) ? n : 0;
}

static bool unsafe_text(const char *s) {
    uint32_t cp;
    for (const unsigned char *c = (const unsigned char *)s; *c; c += utf8_at(c, &cp))
        if (unsafe_at(c)) return true;
    return false;
}

/* Text of the file for a refusal: unsafe characters as \xNN or \uNNNN, cut after `max` bytes on
 * a character's boundary. In the parser's arena; "" when out of memory. */
static const char *shown(parser *p, const char *s, size_t max) {
    char *out = dh_arena_alloc(p->arena, max * 6 + 4);
    if (!out) return "";
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c && o < max;) {
        uint32_t cp;
        size_t len = utf8_at(c, &cp);
        if (!invisible_cp(cp)) memcpy(out + o, c, len), o += len;
        else if (cp < 0x100) o += (size_t)snprintf(out + o, 5, "\\x%02x", (unsigned)cp);
        else if (cp <= 0xFFFF) o += (size_t)snprintf(out + o, 7, "\\u%04x", (unsigned)cp);
        else o += (size_t)snprintf(out + o, 10, "\\u{%x}", (unsigned)cp);
        c += len;
    }
    out[o] = '\0';
    return out;
}

/* ---- refusals ---- */

static bool refuse_line(parser *p, int line, const char *fmt, ...) {
    char what[sizeof p->err->message - 32];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    p->err->line = line;
    if (line > 0)
        (void)snprintf(p->err->message, sizeof p->err->message, "line %d: %s", line, what);
    else (void)snprintf(p->err->message, sizeof p->err->message, "%s", what);
    return false;
}

#define REFUSE(p, node, ...) refuse_line((p), line_of((p), (node)), __VA_ARGS__)

/* ---- the text before the tree: UTF-8, and no NUL hidden in a string ---- */

static size_t utf8_sequence(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (len == 0 || len > n) return 0;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* A NUL (raw or as \u0000) would end a C string early: "ci\u0000x" must not become "ci". */
static bool check_text(parser *p) {
    const unsigned char *s = (const unsigned char *)p->text;
    bool in_string = false;
    for (size_t i = 0; i < p->len;) {
        size_t n = utf8_sequence(s + i, p->len - i);
        if (n == 0 || s[i] == 0)
            return refuse_line(p, line_at(p->text, i), "the file is not valid UTF-8 text");
        if (in_string && s[i] == '\\' && i + 1 < p->len) {
            if (p->len - i >= 6 && memcmp(s + i, "\\u0000", 6) == 0)
                return refuse_line(p, line_at(p->text, i),
                                   "a string may not hold a NUL character (\\u0000)");
            i += 2;
            continue;
        }
        if (in_string && s[i] < 0x20)
            return refuse_line(
                p, line_at(p->text, i),
                "a string may not hold a raw line break or control character (write \\n)");
        if (s[i] == '"') in_string = !in_string;
        i += n;
    }
    return true;
}

static bool parse_json(parser *p) {
    /* cJSON would skip a second byte order mark where the line search does not. */
    if (p->len >= 3 && memcmp(p->text, "\xEF\xBB\xBF", 3) == 0)
        return refuse_line(p, 1, "not valid JSON here");
    const char *end = NULL;
    p->root = cJSON_ParseWithLengthOpts(p->text, p->len, &end, false);
    if (!p->root) {
        size_t at =
            end && end >= p->text && end <= p->text + p->len ? (size_t)(end - p->text) : p->len;
        size_t last = p->len;
        while (last > 0 && (unsigned char)p->text[last - 1] <= 0x20) last--;
        if (last == 0) return refuse_line(p, 1, "the file holds no JSON");
        /* cJSON points at the last byte when the text ends early: name the last line with text. */
        if (at + 1 >= last)
            return refuse_line(p, line_at(p->text, last - 1),
                               "not valid JSON: the text ends too early");
        return refuse_line(p, line_at(p->text, at), "not valid JSON here");
    }
    for (const char *q = end; q < p->text + p->len; q++)
        if ((unsigned char)*q > 0x20)
            return refuse_line(p, line_at(p->text, (size_t)(q - p->text)),
                               "more text after the JSON document");
    return true;
}

/* ---- values ---- */

/* True (and refused) when a key appears twice: cJSON keeps both, and JS would read the last. */
static bool duplicate_key(parser *p, const cJSON *obj, const char *what) {
    for (const cJSON *a = obj->child; a; a = a->next)
        for (const cJSON *b = obj->child; b != a; b = b->next)
            if (strcmp(a->string, b->string) == 0)
                return REFUSE(p, a, "%s \"%s\" appears twice", what, shown(p, a->string, 80)), true;
    return false;
}

/* Every key one of `known` (at most 32), each once: checked against the set, so an object of
 * a hundred thousand repeated keys costs no more than its length. */
static bool check_keys(parser *p, const cJSON *obj, const char *const *known, const char *where) {
    uint32_t seen = 0;
    for (const cJSON *f = obj->child; f; f = f->next) {
        size_t k = 0;
        while (known[k] && strcmp(known[k], f->string) != 0) k++;
        if (!known[k])
            return REFUSE(p, f, "unknown key \"%s\" in %s", shown(p, f->string, 60), where);
        if (seen & (1u << k)) return REFUSE(p, f, "the key \"%s\" appears twice", known[k]);
        seen |= 1u << k;
    }
    return true;
}

static const char *scope_name(dh_arena *a, const char *s) {
    if (strncmp(s, "scope-", 6) == 0) return s;
    size_t n = strlen(s);
    char *out = dh_arena_alloc(a, n + 7);
    if (out) (void)snprintf(out, n + 7, "scope-%s", s);
    return out;
}

/* A list of scopes from `known`, each once; "image-pull" is taken for "scope-image-pull". */
static bool scopes(parser *p, const cJSON *arr, const char *const *known, const char *what,
                   const char *const **out, size_t *count) {
    if (!cJSON_IsArray(arr) || !arr->child)
        return REFUSE(p, arr, "%s must be a non-empty array of scopes", what);
    size_t n = 0;
    const char **list = dh_arena_alloc(p->arena, (size_t)cJSON_GetArraySize(arr) * sizeof *list);
    if (!list) return refuse_line(p, 0, DH_OOM_MESSAGE);
    for (const cJSON *s = arr->child; s; s = s->next) {
        if (!cJSON_IsString(s)) return REFUSE(p, s, "%s: each scope must be a string", what);
        const char *name = scope_name(p->arena, s->valuestring);
        if (!name) return refuse_line(p, 0, DH_OOM_MESSAGE);
        size_t k = 0;
        while (known[k] && strcmp(known[k], name) != 0) k++;
        if (!known[k])
            return REFUSE(p, s, "%s: unknown scope \"%s\"", what, shown(p, s->valuestring, 60));
        for (size_t j = 0; j < n; j++)
            if (list[j] == known[k])
                return REFUSE(p, s, "%s: scope \"%s\" appears twice", what, known[k]);
        list[n++] = known[k];
    }
    *out = list;
    *count = n;
    return true;
}

static bool repositories(parser *p, const cJSON *obj, dh_manifest_token *t) {
    if (!cJSON_IsObject(obj))
        return REFUSE(p, obj, "repositories must be an object: { \"ORG/REPO\": [scopes] }");
    if (cJSON_GetArraySize(obj) > MAX_REPOS)
        return REFUSE(p, obj, "more than %d repositories", MAX_REPOS);
    if (duplicate_key(p, obj, "the repository")) return false;
    dh_manifest_repo *repos =
        dh_arena_alloc(p->arena, (size_t)cJSON_GetArraySize(obj) * sizeof *repos);
    if (!repos) return refuse_line(p, 0, DH_OOM_MESSAGE);
    size_t n = 0;
    for (const cJSON *r = obj->child; r; r = r->next, n++) {
        if (!*r->string) return REFUSE(p, r, "a repository path may not be empty");
        if (unsafe_text(r->string))
            return REFUSE(
                p, r,
                "repository \"%s\": a path may not hold control, line-break, bidi or other invisible characters",
                shown(p, r->string, 60));
        if (strcmp(r->string, "*/*/public") == 0)
            return REFUSE(p, r, "write public read access as \"public_read\": true");
        repos[n].path = r->string;
        repos[n].line = line_of(p, r);
        if (!scopes(p, r, repo_scopes, "a repository's scopes", &repos[n].scopes,
                    &repos[n].scope_count))
            return false;
    }
    t->repos = repos;
    t->repo_count = n;
    return true;
}

static bool resources(parser *p, const cJSON *obj, dh_manifest_token *t) {
    static const char *const keys[] = {"repositories", "org", "public_read", NULL};
    if (!cJSON_IsObject(obj)) return REFUSE(p, obj, "resources must be an object");
    if (!check_keys(p, obj, keys, "resources (known: repositories, org, public_read)"))
        return false;
    for (const cJSON *f = obj->child; f; f = f->next) {
        bool ok = true;
        if (f->string[0] == 'r') ok = repositories(p, f, t);
        else if (f->string[0] == 'o')
            ok = scopes(p, f, org_scopes, "org", &t->org_scopes, &t->org_scope_count);
        else if (!cJSON_IsBool(f)) ok = REFUSE(p, f, "public_read must be true or false");
        else t->public_read = cJSON_IsTrue(f);
        if (!ok) return false;
    }
    return true;
}

static bool expiry(parser *p, const cJSON *v, dh_manifest_token *t) {
    static const char *bad =
        "expires must be \"90d\", \"12w\", \"1y\", a date (\"2027-01-31\"), an RFC 3339 date-time or \"never\"";
    if (!cJSON_IsString(v)) return REFUSE(p, v, "%s", bad);
    const char *s = v->valuestring;
    size_t n = strlen(s);
    t->expires = s;
    if (strcmp(s, "never") == 0) return t->expiry = DH_EXPIRY_NEVER, true;
    if (n >= 2 && n <= 6 && s[0] >= '1' && s[0] <= '9' && strspn(s, "0123456789") == n - 1 &&
        strchr("dwy", s[n - 1])) {
        t->expiry = DH_EXPIRY_DAYS;
        /* At most 5 digits (n <= 6): 99999 * 365 cannot overflow. */
        t->expiry_days = strtol(s, NULL, 10) * (s[n - 1] == 'd' ? 1 : s[n - 1] == 'w' ? 7 : 365);
        if (t->expiry_days > MAX_EXPIRY_DAYS)
            return REFUSE(
                p, v,
                "expires \"%s\" is past what Docker Hub takes: at most %d days ahead (\"1y\", \"52w\", \"365d\")",
                s, MAX_EXPIRY_DAYS);
        return true;
    }
    char full[40];
    if (n == 10) (void)snprintf(full, sizeof full, "%sT00:00:00Z", s);
    else (void)snprintf(full, sizeof full, "%.39s", s);
    if (n > 39 || dh_check_rfc3339(full) || dh_parse_rfc3339(full, &t->expiry_at))
        return REFUSE(p, v, "%s, not \"%s\"", bad, shown(p, s, 40));
    t->expiry = DH_EXPIRY_AT;
    return true;
}

/* "rotate_every": the relative forms of "expires" only (a schedule has no date). */
static bool rotate_every(parser *p, const cJSON *v, dh_manifest_token *t) {
    static const char *bad = "rotate_every must be \"60d\", \"12w\" or \"1y\"";
    if (!cJSON_IsString(v)) return REFUSE(p, v, "%s", bad);
    const char *s = v->valuestring;
    size_t n = strlen(s);
    if (!(n >= 2 && n <= 6 && s[0] >= '1' && s[0] <= '9' && strspn(s, "0123456789") == n - 1 &&
          strchr("dwy", s[n - 1])))
        return REFUSE(p, v, "%s, not \"%.40s\"", bad, s);
    t->rotate_every = s;
    t->rotate_every_days = strtol(s, NULL, 10) * (s[n - 1] == 'd' ? 1 : s[n - 1] == 'w' ? 7 : 365);
    return true;
}

static bool secret(parser *p, const cJSON *obj, dh_manifest_token *t) {
    static const char *bad = "secret must be { \"exec\": \"COMMAND\" } or { \"out\": \"FILE\" }";
    if (!cJSON_IsObject(obj) || cJSON_GetArraySize(obj) != 1) return REFUSE(p, obj, "%s", bad);
    const cJSON *f = obj->child;
    bool exec = strcmp(f->string, "exec") == 0;
    if (!exec && strcmp(f->string, "out") != 0) return REFUSE(p, f, "%s", bad);
    if (!cJSON_IsString(f) || !*f->valuestring)
        return REFUSE(p, f, "secret.%s must be a non-empty string", f->string);
    if (unsafe_text(f->valuestring))
        return REFUSE(
            p, f,
            "secret.%s \"%s\" may not hold control, line-break, bidi or other invisible characters: the plan "
            "shows it to whoever approves it",
            f->string, shown(p, f->valuestring, 60));
    t->secret = exec ? DH_SECRET_EXEC : DH_SECRET_OUT;
    t->secret_target = f->valuestring;
    return true;
}

static bool text_field(parser *p, const cJSON *f, const char **out) {
    if (!cJSON_IsString(f)) return REFUSE(p, f, "%s must be a string", f->string);
    *out = f->valuestring;
    return true;
}

static bool entry_field(parser *p, const cJSON *f, dh_manifest_token *t) {
    switch (f->string[0]) {
    case 'i':
        if (!cJSON_IsString(f) || dh_check_name(f->valuestring))
            return REFUSE(p, f, "id must be a token id");
        t->id = f->valuestring;
        return true;
    case 'd': return text_field(p, f, &t->description);
    case 'r':
        return strcmp(f->string, "rotate_every") == 0 ? rotate_every(p, f, t) : resources(p, f, t);
    case 'e': return expiry(p, f, t);
    case 's': return secret(p, f, t);
    default:
        if (!cJSON_IsBool(f)) return REFUSE(p, f, "active must be true or false");
        t->active = cJSON_IsTrue(f);
        return true;
    }
}

static bool entry(parser *p, const cJSON *e, dh_manifest_token *t) {
    static const char *const keys[] = {"id",     "description", "resources",    "expires",
                                       "active", "secret",      "rotate_every", NULL};
    *t = (dh_manifest_token){.label = e->string,
                             .line = line_of(p, e),
                             .description = "",
                             .expires = "never",
                             .active = 1};
    const char *l = e->string;
    while (*l == ' ' || *l == '\t') l++;
    if (!*l) return REFUSE(p, e, "a token's label may not be empty or only white space");
    if (unsafe_text(e->string))
        return REFUSE(
            p, e,
            "label \"%s\": a token's label may not hold control, line-break, bidi or other invisible characters",
            shown(p, e->string, 60));
    size_t n = strlen(e->string);
    if (e->string[0] == ' ' || e->string[n - 1] == ' ')
        return REFUSE(p, e, "label \"%s\": a token's label may not start or end with a space",
                      shown(p, e->string, 60));
    size_t chars = 0;
    for (const char *c = e->string; *c; c++) chars += ((unsigned char)*c & 0xC0) != 0x80;
    if (chars > MAX_LABEL_CHARS)
        return REFUSE(p, e,
                      "label \"%s...\": a token's label may be at most %d characters, not %zu",
                      shown(p, e->string, 40), MAX_LABEL_CHARS, chars);
    /* What a rotation writes into the label of the token it retired: a label written so would
     * read as a retired token's, which a later prune deletes. */
    if (strstr(e->string, "~retired~"))
        return REFUSE(
            p, e,
            "label \"%s\": a token's label may not hold ~retired~, which marks a token a rotation retired",
            shown(p, e->string, 60));
    if (!cJSON_IsObject(e))
        return REFUSE(p, e, "token \"%s\" must be an object", shown(p, e->string, 80));
    char where[120];
    (void)snprintf(where, sizeof where, "token \"%s\"", shown(p, e->string, 60));
    if (!check_keys(p, e, keys, where)) return false;
    for (const cJSON *f = e->child; f; f = f->next)
        if (!entry_field(p, f, t)) return false;
    return true;
}

static bool top(parser *p, dh_manifest *m) {
    static const char *const keys[] = {"$schema", "version", "tokens", NULL};
    const cJSON *r = p->root;
    if (!cJSON_IsObject(r))
        return REFUSE(p, r, "the manifest must be a JSON object with \"tokens\"");
    if (!check_keys(p, r, keys, "the manifest (known: $schema, version, tokens)")) return false;
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(r, "version");
    if (version && (!cJSON_IsNumber(version) || version->valuedouble != 1))
        return REFUSE(p, version, "version must be 1");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(r, "$schema");
    if (schema && !cJSON_IsString(schema)) return REFUSE(p, schema, "$schema must be a string");
    const cJSON *tokens = cJSON_GetObjectItemCaseSensitive(r, "tokens");
    if (!tokens) return refuse_line(p, line_of(p, r), "the manifest has no \"tokens\" object");
    if (!cJSON_IsObject(tokens))
        return REFUSE(p, tokens, "tokens must be an object keyed by label");
    if (cJSON_GetArraySize(tokens) > MAX_TOKENS)
        return REFUSE(p, tokens, "more than %d tokens", MAX_TOKENS);
    if (duplicate_key(p, tokens, "the label")) return false;
    size_t n = (size_t)cJSON_GetArraySize(tokens);
    dh_manifest_token *list = dh_arena_alloc(p->arena, n * sizeof *list);
    if (!list) return refuse_line(p, 0, DH_OOM_MESSAGE);
    size_t i = 0;
    for (const cJSON *e = tokens->child; e; e = e->next, i++)
        if (!entry(p, e, &list[i])) return false;
    m->tokens = list;
    m->count = n;
    return true;
}

dh_manifest *dh_manifest_parse(const char *text, size_t len, dh_manifest_error *err) {
    *err = (dh_manifest_error){0};
    if (!text) text = "";
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
    parser p = {.text = text, .len = len, .err = err};
    dh_manifest *m = dh_calloc(1, sizeof *m);
    struct manifest_priv *priv = dh_calloc(1, sizeof *priv);
    p.arena = dh_arena_new();
    bool ok = false;
    if (!m || !priv || !p.arena) refuse_line(&p, 0, DH_OOM_MESSAGE);
    else if (len > MAX_BYTES)
        refuse_line(
            &p, 0,
            "the manifest is %zu bytes; at most %zu are read (1 MiB, far above what Docker Hub's "
            "token limits can use)",
            len, MAX_BYTES);
    else if (check_text(&p) && parse_json(&p))
        ok = record_lines(&p) ? top(&p, m) : refuse_line(&p, 0, DH_OOM_MESSAGE);
    if (!ok) {
        cJSON_Delete(p.root);
        dh_arena_free(p.arena);
        dh_free(priv);
        dh_free(m);
        return NULL;
    }
    *priv = (struct manifest_priv){p.root, p.arena};
    m->priv = priv;
    return m;
}

void dh_manifest_free(dh_manifest *m) {
    if (!m) return;
    struct manifest_priv *priv = m->priv;
    cJSON_Delete(priv->root);
    dh_arena_free(priv->arena);
    dh_free(priv);
    dh_free(m);
}
