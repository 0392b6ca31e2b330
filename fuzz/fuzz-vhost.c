/*
 * fuzz-vhost: an Apache file through the reader and, when it reads, one
 * edit on one block chosen by the first two bytes.  An edit may be refused;
 * when it is made, the new text must read, keep every byte outside the
 * block, show the edit, and the same edit again must change nothing.
 */
#include "fuzz.h"
#include "vhost.h"
#include "config.h"
#include "log.h"

static const char user[] = "alice";
static const char target[] = "http://neko.test/~alice";
static const char addr[] = "192.0.2.20";

/* out differs from vf only inside block i */
static void
check_outside(const struct vhost_file *vf, size_t i, const struct strbuf *out)
{
	const struct vhost_block *b = &vf->blocks[i];
	size_t tail = vf->len - b->end;

	fuzz_assert(out->len >= b->start + tail);
	fuzz_assert(!memcmp(out->buf, vf->text, b->start));
	fuzz_assert(!memcmp(out->buf + out->len - tail, vf->text + b->end, tail));
}

static void
reparse(struct vhost_file *nv, const struct vhost_file *vf, const struct strbuf *out)
{
	if (vhost_parse(nv, "out", out->buf, out->len) < 0)
		fuzz_fail("edited file does not read");
	fuzz_assert(nv->nblocks >= vf->nblocks);
}

static int
do_edit(const struct vhost_file *vf, size_t i, unsigned op, const char *name, struct strbuf *out)
{
	switch (op % 4) {
	case 0: return vhost_add_alias(vf, i, name, out);
	case 1: return vhost_remove_alias(vf, i, name, out);
	case 2: return vhost_userdir_redirect(vf, i, user, target, out);
	default: return vhost_userdir_unredirect(vf, i, user, out);
	}
}

static void
check_shows(const struct vhost_file *nv, size_t i, unsigned op, const char *name)
{
	const struct vhost_block *b = &nv->blocks[i];

	switch (op % 4) {
	case 0: fuzz_assert(vhost_block_serves(b, name)); break;
	case 1: fuzz_assert(!strlist_has(&b->aliases, name)); break;
	case 2: fuzz_assert(vhost_has_userdir_redirect(nv, i, user, target)); break;
	default: fuzz_assert(!vhost_has_userdir_redirect(nv, i, user, target)); break;
	}
}

static void
edit_block(const struct vhost_file *vf, size_t i, unsigned op)
{
	struct vhost_file nv = VHOST_FILE_INIT;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	const struct vhost_block *b = &vf->blocks[i];
	/* ferry only ever passes names that ferry.conf validated */
	const char *name = op & 4 && b->aliases.n && valid_domain_name(b->aliases.v[0]) ?
	    b->aliases.v[0] : "fz.alice.test";
	int r = do_edit(vf, i, op, name, &out);

	if (r == 0)
		fuzz_assert(out.len == vf->len && !memcmp(out.buf, vf->text, vf->len));
	if (r == 1) {
		check_outside(vf, i, &out);
		reparse(&nv, vf, &out);
		fuzz_assert(nv.nblocks == vf->nblocks);
		check_shows(&nv, i, op, name);
		if (do_edit(&nv, i, op, name, &again) != 0)
			fuzz_fail("the same edit again is not a no-op");
	}
	vhost_release(&nv);
	strbuf_release(&out);
	strbuf_release(&again);
}

/* the proxy block reads, is a proxy, and is its own fixed point */
static void
proxy_block(const struct vhost_file *vf, size_t i)
{
	struct vhost_file nv = VHOST_FILE_INIT;
	struct strbuf blk = STRBUF_INIT, again = STRBUF_INIT;

	if (vhost_proxy_block(vf, i, addr, &blk) == 0) {
		if (vhost_parse(&nv, "proxy", blk.buf, blk.len) < 0)
			fuzz_fail("proxy block does not read");
		fuzz_assert(nv.nblocks == 1 && vhost_is_proxy(&nv, 0, addr));
		fuzz_assert(vhost_proxy_block(&nv, 0, addr, &again) == 0);
		fuzz_assert(again.len == blk.len && !memcmp(again.buf, blk.buf, blk.len));
	}
	vhost_release(&nv);
	strbuf_release(&blk);
	strbuf_release(&again);
}

/* an account section appended, found, appended again unchanged, removed */
static void
marked(const struct vhost_file *vf, size_t i)
{
	struct vhost_file nv = VHOST_FILE_INIT, gone = VHOST_FILE_INIT;
	struct strbuf blk = STRBUF_INIT, out = STRBUF_INIT, again = STRBUF_INIT;
	size_t s, e;

	vhost_block_text(vf, i, &blk);
	if (vhost_marked_append(vf, "fz", blk.buf, blk.len, &out) > 0) {
		reparse(&nv, vf, &out);
		fuzz_assert(vhost_marked_find(&nv, "fz", &s, &e) == 1);
		fuzz_assert(vhost_marked_append(&nv, "fz", blk.buf, blk.len, &again) == 0);
		fuzz_assert(vhost_marked_remove(&nv, "fz", &again) == 1);
		if (vhost_parse(&gone, "gone", again.buf, again.len) < 0)
			fuzz_fail("file without the section does not read");
		fuzz_assert(vhost_marked_find(&gone, "fz", &s, &e) == 0);
	}
	vhost_release(&nv);
	vhost_release(&gone);
	strbuf_release(&blk);
	strbuf_release(&out);
	strbuf_release(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vhost_file vf = VHOST_FILE_INIT;
	unsigned op = fuzz_byte(&data, &size), which = fuzz_byte(&data, &size);

	log_level = LOG_QUIET;
	if (vhost_parse(&vf, "fz", (const char *)data, size) == 0 && vf.nblocks > 0) {
		size_t i = which % vf.nblocks;

		if ((op & 0x30) == 0x10)
			proxy_block(&vf, i);
		else if ((op & 0x30) == 0x20)
			marked(&vf, i);
		else
			edit_block(&vf, i, op);
	}
	vhost_release(&vf);
	return 0;
}
