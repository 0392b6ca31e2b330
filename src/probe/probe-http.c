/* probe-http.c: fetch a page pinned to one host, and send mail (libcurl). */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "probe.h"

#define HTTP_BODY_CAP ((size_t)16 << 20)

static void
curl_init_once(void)
{
	static int done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = 1;
	}
}

static size_t
body_cb(char *p, size_t size, size_t n, void *arg)
{
	struct strbuf *sb = arg;

	if (strbuf_add_capped(sb, p, size * n) < 0)
		return 0;
	return size * n;
}

static char *
info_string(CURL *c, CURLINFO what)
{
	char *s = NULL;

	if (curl_easy_getinfo(c, what, &s) != CURLE_OK || s == NULL)
		return NULL;
	return xstrdup(s);
}

int
http_fetch(const char *name, const char *addr, int port, const char *path,
    struct http_response *out, struct strbuf *err)
{
	return http_fetch_ms(name, addr, port, path, 20000, out, err);
}

int
http_fetch_ms(const char *name, const char *addr, int port, const char *path,
    long timeout_ms, struct http_response *out, struct strbuf *err)
{
	struct strbuf url = STRBUF_INIT, pin = STRBUF_INIT;
	struct curl_slist *resolve;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	CURL *c;

	curl_init_once();
	memset(out, 0, sizeof *out);
	strbuf_init(&out->body);
	out->body.cap = HTTP_BODY_CAP;
	/* port 443 is TLS: the URL's name is the SNI and the name the certificate
	   is verified against (libcurl's default CA bundle, the system's) */
	strbuf_addf(&url, "%s://%s:%d%s%s", port == 443 ? "https" : "http", name, port,
	    path[0] == '/' ? "" : "/", path);
	strbuf_addf(&pin, "%s:%d:%s", name, port, addr);
	resolve = curl_slist_append(NULL, pin.buf);
	c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url.buf);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ferry");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
		out->content_type = info_string(c, CURLINFO_CONTENT_TYPE);
		out->location = info_string(c, CURLINFO_REDIRECT_URL);
	} else if (err)
		strbuf_addf(err, "%s: %s", url.buf, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_easy_cleanup(c);
	curl_slist_free_all(resolve);
	strbuf_release(&url);
	strbuf_release(&pin);
	return rc == CURLE_OK ? 0 : -1;
}

void
http_response_release(struct http_response *r)
{
	strbuf_release(&r->body);
	free(r->content_type);
	free(r->location);
	memset(r, 0, sizeof *r);
}

struct upload {
	const char *p;
	size_t left;
};

static size_t
upload_cb(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t take = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, take);
	u->p += take;
	u->left -= take;
	return take;
}

int
smtp_send(const char *server, const char *from, const char *to,
    const char *message, struct strbuf *err)
{
	struct strbuf url = STRBUF_INIT;
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	struct upload u = { message, strlen(message) };
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	CURL *c;

	curl_init_once();
	strbuf_addf(&url, "smtp://%s", server);
	c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url.buf);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, upload_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK && err)
		strbuf_addf(err, "%s: %s", url.buf, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	curl_easy_cleanup(c);
	curl_slist_free_all(rcpt);
	strbuf_release(&url);
	return rc == CURLE_OK ? 0 : -1;
}
