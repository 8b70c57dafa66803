// Typed wrappers around libcurl's variadic entry points, which Swift cannot call
// (curl_easy_setopt and curl_easy_getinfo take `...`). One function per argument type.
#ifndef CCURLSHIM_H
#define CCURLSHIM_H

#include <curl/curl.h>

/// The read callback libcurl pulls an upload (here: the message) through.
typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurl_setopt_read_callback(CURL *handle, ccurl_read_callback callback);
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
