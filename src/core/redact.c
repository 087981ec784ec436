/* The one redactor: finds runs of secrets in text and replaces them. The rule: any DH_SECRET_RUN
 * bytes of a secret count as the secret (a secret shorter than that counts whole); windows that
 * lie inside a public prefix (dckr_pat_, dckr_oat_) alone do not count. ASCII letters match in
 * either case, so one set serves header names (lowercased when unpacked) and everything else
 * (a secret shorter than a window: as it is, or lowercased).
 *
 * Why it is fast: a secret's windows are precomputed once, each as a keyed 64-bit print of its 8
 * bytes, into an open-addressing set. A text is read once, its window rolled one byte at a time
 * (shift in the next byte) and looked up: one multiply and one probe a byte, nothing allocated
 * unless something is found. Why it keeps no secret: the set holds prints, the window times an odd
 * key of 64 random bits per redactor, never the bytes of a window; a secret shorter than a window
 * is the one exception (kept as it is and lowercased, compared whole). Every block is wiped before
 * it is freed. */
#include <string.h>

#include "internal.h"

typedef struct print_set {
    uint64_t *slots; /* 0: empty (a print is never 0) */
    size_t mask, used;
} print_set;

struct dh_redactor {
    uint64_t key;
    print_set set;
    char *
        *shorts; /* the secrets shorter than a window, as they are and lowercased; compared whole */
    size_t n_shorts;
    /* remember > 0: each secret's prints, oldest first, so that the oldest can be forgotten, and
     * a keyed print of each whole secret, so that one handed out again is not kept twice */
    uint64_t **each, *whole;
    size_t *each_n, count, remember;
    bool broken; /* ran out of memory while adding: everything counts as a secret (fail closed) */
    const dh_redactor *also; /* looked up as well (a client's own secrets, then those it made) */
};

static unsigned char fold(unsigned char c) {
    return (unsigned char)((unsigned)(c - 'A') < 26u ? c | 0x20 : c);
}

/* The window times the key (odd): a bijection of the 64 bits, one multiply a byte. The high
 * bits, which every byte of the window stirs, pick the slot. A window of a secret (a C string)
 * is never 0, so neither is its print. */
static uint64_t print_of(uint64_t w, uint64_t key) { return w * key; }

static size_t slot_of(uint64_t p, size_t mask) { return (size_t)(p >> 32) & mask; }

static bool set_has(const print_set *s, uint64_t p) {
    for (size_t i = slot_of(p, s->mask); s->slots[i]; i = (i + 1) & s->mask)
        if (s->slots[i] == p) return true;
    return false;
}

static void set_put(print_set *s, uint64_t p) {
    size_t i = slot_of(p, s->mask);
    while (s->slots[i] && s->slots[i] != p) i = (i + 1) & s->mask;
    if (!s->slots[i]) s->used++;
    s->slots[i] = p;
}

static void wipe_free(void *p, size_t n) {
    if (p) dh_wipe(p, n);
    dh_free(p);
}

/* Room for `more` prints, kept at most half full (probes stay short). False on oom. */
static bool set_reserve(print_set *s, size_t more) {
    size_t slots = s->slots ? s->mask + 1 : 16;
    while (slots < 2 * (s->used + more)) slots *= 2;
    if (s->slots && slots == s->mask + 1) return true;
    print_set grown = {dh_calloc(slots, sizeof *grown.slots), slots - 1, 0};
    if (!grown.slots) return false;
    for (size_t i = 0; s->slots && i <= s->mask; i++)
        if (s->slots[i]) set_put(&grown, s->slots[i]);
    if (s->slots) wipe_free(s->slots, (s->mask + 1) * sizeof *s->slots);
    *s = grown;
    return true;
}

dh_redactor *dh_redactor_new(uint64_t key, size_t remember) {
    dh_redactor *r = dh_calloc(1, sizeof *r);
    if (!r) return NULL;
    r->key = key | 1; /* odd: multiplying by it is a bijection */
    r->remember = remember;
    return r;
}

void dh_redactor_set_also(dh_redactor *r, const dh_redactor *also) {
    if (r) r->also = also;
}

void dh_redactor_free(dh_redactor *r) {
    if (!r) return;
    if (r->set.slots) wipe_free(r->set.slots, (r->set.mask + 1) * sizeof *r->set.slots);
    for (size_t i = 0; i < r->n_shorts; i++) wipe_free(r->shorts[i], strlen(r->shorts[i]));
    dh_free(r->shorts);
    for (size_t i = 0; i < r->count; i++) wipe_free(r->each[i], r->each_n[i] * sizeof **r->each);
    dh_free(r->each);
    dh_free(r->each_n);
    dh_free(r->whole);
    dh_wipe(r, sizeof *r);
    dh_free(r);
}

size_t dh_redactor_count(const dh_redactor *r) { return r ? r->count : 0; }

/* The first bytes of Docker's token formats, the same in every token: not secret on their own. */
static size_t public_prefix(const char *s, size_t len) {
    static const char *const prefixes[] = {"dckr_pat_", "dckr_oat_"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t m = strlen(prefixes[i]);
        if (len > m && memcmp(s, prefixes[i], m) == 0) return m;
    }
    return 0;
}

static bool add_short_as(dh_redactor *r, const char *secret, size_t len) {
    for (size_t i = 0; i < r->n_shorts; i++)
        if (strlen(r->shorts[i]) == len && memcmp(r->shorts[i], secret, len) == 0) return true;
    char **grown = dh_realloc(r->shorts, (r->n_shorts + 1) * sizeof *grown);
    if (!grown) return false;
    r->shorts = grown;
    char *copy = dh_strdup(secret);
    if (!copy) return false;
    r->shorts[r->n_shorts++] = copy;
    return true;
}

/* A secret shorter than a window is kept as it is and lowercased (as a header name would show
 * it), each compared whole: folding every letter of a 1-byte secret would redact far too much. */
static bool add_short(dh_redactor *r, const char *secret, size_t len) {
    char lower[DH_SECRET_RUN];
    for (size_t i = 0; i <= len; i++) lower[i] = (char)fold((unsigned char)secret[i]);
    bool ok = add_short_as(r, secret, len) && add_short_as(r, lower, len);
    dh_wipe(lower, sizeof lower);
    return ok;
}

/* Forgets the oldest remembered secret: the set is rebuilt from the prints of the others. */
static void forget_oldest(dh_redactor *r) {
    wipe_free(r->each[0], r->each_n[0] * sizeof **r->each);
    memmove(r->each, r->each + 1, (r->count - 1) * sizeof *r->each);
    memmove(r->each_n, r->each_n + 1, (r->count - 1) * sizeof *r->each_n);
    memmove(r->whole, r->whole + 1, (r->count - 1) * sizeof *r->whole);
    r->count--;
    dh_wipe(r->set.slots, (r->set.mask + 1) * sizeof *r->set.slots);
    r->set.used = 0;
    for (size_t i = 0; i < r->count; i++)
        for (size_t k = 0; k < r->each_n[i]; k++) set_put(&r->set, r->each[i][k]);
}

/* A keyed FNV-1a of the whole secret: tells a secret handed out again from a new one. */
static uint64_t whole_print(const dh_redactor *r, const char *s) {
    uint64_t h = 1469598103934665603ULL ^ r->key;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static bool remembered(const dh_redactor *r, uint64_t whole) {
    for (size_t i = 0; i < r->count; i++)
        if (r->whole[i] == whole) return true;
    return false;
}

/* Keeps the prints of a remembered secret (to forget it later); false on oom. */
static bool remember(dh_redactor *r, uint64_t whole, const uint64_t *prints, size_t n) {
    uint64_t **each = dh_realloc(r->each, (r->count + 1) * sizeof *each);
    if (each) r->each = each;
    size_t *each_n = each ? dh_realloc(r->each_n, (r->count + 1) * sizeof *each_n) : NULL;
    if (each_n) r->each_n = each_n;
    uint64_t *wholes = each_n ? dh_realloc(r->whole, (r->count + 1) * sizeof *wholes) : NULL;
    if (wholes) r->whole = wholes;
    uint64_t *copy = wholes ? dh_malloc((n ? n : 1) * sizeof *copy) : NULL;
    if (!copy) return false;
    if (n) memcpy(copy, prints, n * sizeof *copy);
    r->each[r->count] = copy;
    r->whole[r->count] = whole;
    r->each_n[r->count++] = n;
    if (r->count > r->remember) forget_oldest(r);
    return true;
}

/* The prints of a secret's windows (those inside a public prefix left out) into out[len]. */
static size_t prints_of(const dh_redactor *r, const char *secret, size_t len, uint64_t *out) {
    size_t pub = public_prefix(secret, len), n = 0;
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++) {
        w = w << 8 | fold((unsigned char)secret[i]);
        if (i + 1 >= DH_SECRET_RUN && i + 1 > pub) out[n++] = print_of(w, r->key);
    }
    return n;
}

bool dh_redactor_add(dh_redactor *r, const char *secret) {
    if (!r || !secret || !*secret) return true;
    size_t len = strlen(secret);
    bool ok;
    if (len < DH_SECRET_RUN) {
        ok = r->remember ? true : add_short(r, secret, len); /* a made secret is never that short */
    } else {
        uint64_t whole = r->remember ? whole_print(r, secret) : 0;
        if (r->remember && remembered(r, whole)) return true; /* handed out again: kept once */
        uint64_t *prints = dh_malloc(len * sizeof *prints);
        size_t n = prints ? prints_of(r, secret, len, prints) : 0;
        ok = prints && set_reserve(&r->set, n);
        for (size_t k = 0; ok && k < n; k++) set_put(&r->set, prints[k]);
        if (ok && r->remember) ok = remember(r, whole, prints, n);
        wipe_free(prints, len * sizeof *prints);
    }
    if (!ok) r->broken = true;
    return ok;
}

/* ---- finding ---- */

static bool window_hit(const dh_redactor *r, uint64_t w) {
    for (; r; r = r->also)
        if (r->broken || (r->set.used && set_has(&r->set, print_of(w, r->key)))) return true;
    return false;
}

/* The longest short secret at s (of avail bytes), or 0. */
static size_t short_at(const dh_redactor *r, const unsigned char *s, size_t avail) {
    size_t best = 0;
    for (; r; r = r->also) {
        if (r->broken) return avail;
        for (size_t i = 0; i < r->n_shorts; i++) {
            const unsigned char *t = (const unsigned char *)r->shorts[i];
            size_t m = 0;
            while (m < avail && t[m] && s[m] == t[m]) m++;
            if (!t[m] && m > best) best = m;
        }
    }
    return best;
}

static bool any_shorts(const dh_redactor *r) {
    for (; r; r = r->also)
        if (r->n_shorts || r->broken) return true;
    return false;
}

static bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

/* The first stretch at or after `from` made of runs of secrets (runs that overlap or touch
 * joined), widened to whole UTF-8 characters: [*start, *end). False when there is none. */
static bool next_stretch(const dh_redactor *r, const char *text, size_t len, size_t from,
                         size_t *start, size_t *end) {
    const unsigned char *s = (const unsigned char *)text;
    bool shorts = any_shorts(r);
    if (from >= len || (len - from < DH_SECRET_RUN && !shorts)) return false;
    uint64_t w = 0;
    for (size_t i = from; i + 1 < from + DH_SECRET_RUN && i < len; i++) w = w << 8 | fold(s[i]);
    bool found = false;
    size_t b = 0, e = 0;
    for (size_t k = from; k < len; k++) {
        size_t m = 0;
        if (k + DH_SECRET_RUN <= len) {
            w = w << 8 | fold(s[k + DH_SECRET_RUN - 1]);
            if (window_hit(r, w)) m = DH_SECRET_RUN;
        }
        if (shorts) {
            size_t sm = short_at(r, s + k, len - k);
            if (sm > m) m = sm;
        }
        if (!m) {
            if (found && k >= e) break;
            continue;
        }
        if (!found) b = k;
        found = true;
        size_t stop = k + m;
        while (stop < len && continuation(s[stop])) stop++;
        if (stop > e) e = stop;
    }
    if (!found) return false;
    while (b > from && continuation(s[b])) b--;
    *start = b;
    *end = e;
    return true;
}

bool dh_redactor_empty(const dh_redactor *r) {
    if (!r) return false;
    for (; r; r = r->also)
        if (r->set.used || r->n_shorts || r->broken) return false;
    return true;
}

bool dh_redactor_finds(const dh_redactor *r, const char *text, size_t len) {
    size_t b, e;
    if (!r) return len > 0;
    return text && next_stretch(r, text, len, 0, &b, &e);
}

const char *dh_redactor_apply_n(dh_arena *a, const dh_redactor *r, const char *s, size_t len) {
    size_t b, e;
    if (!r) return len ? "[redacted]" : s;
    if (!next_stretch(r, s, len, 0, &b, &e)) return s;
    dh_buf out = {0};
    size_t done = 0;
    for (bool more = true; more;) {
        size_t nb = 0, ne = 0;
        while ((more = next_stretch(r, s, len, e, &nb, &ne)) && nb <= e) e = ne;
        dh_buf_append(&out, s + done, b - done);
        dh_buf_puts(&out, "[redacted]");
        done = e;
        b = nb;
        e = ne;
    }
    dh_buf_append(&out, s + done, len - done);
    const char *copy = out.oom ? NULL : dh_arena_strdup(a, out.data);
    dh_buf_free(&out);
    return copy ? copy : "[redacted]";
}

const char *dh_redactor_apply(dh_arena *a, const dh_redactor *r, const char *s) {
    return s ? dh_redactor_apply_n(a, r, s, strlen(s)) : NULL;
}

/* A redactor for these secrets alone, for one use (tests, the fuzzer, dh_redact). */
dh_redactor *dh_redactor_of(const char *const *secrets, size_t n) {
    dh_redactor *r = dh_redactor_new(0x5851f42d4c957f2dULL, 0);
    for (size_t i = 0; r && i < n; i++) dh_redactor_add(r, secrets[i]);
    return r;
}

const char *dh_redact(dh_arena *a, const char *s, const char *const *secrets, size_t n) {
    if (!s) return NULL;
    dh_redactor *r = dh_redactor_of(secrets, n);
    const char *out = dh_redactor_apply(a, r, s);
    dh_redactor_free(r);
    return out;
}
