/* The library in a program's own select() loop: dh_curl_fdset and dh_curl_timeout_ms say what
 * to wait for, dh_curl_step does what is due. Here the loop also echoes what arrives on stdin,
 * to show the program's own descriptors beside libcurl's.
 *   cc -std=c11 select_loop.c $(pkg-config --cflags --libs dockerhub-oat) -o select_loop */
#define _POSIX_C_SOURCE 200809L
#include <sys/select.h>
#include <unistd.h>

#include "common.h"

int main(void) {
    const char *why;
    dh_curl *loop = dh_curl_new(NULL, &why);
    if (!loop) return fprintf(stderr, "%s\n", why), 1;
    dh_client *hub = example_client(loop);
    if (!hub) return dh_curl_free(loop), 1;
    int listed = 0, stdin_open = 1;
    dh_list_tokens(hub, getenv("DOCKERHUB_ORG"), NULL, example_print_labels, &listed);
    while (dh_curl_pending(loop) > 0) {
        fd_set rd, wr, ex;
        FD_ZERO(&rd);
        FD_ZERO(&wr);
        FD_ZERO(&ex);
        int max_fd = -1;
        if (stdin_open) FD_SET(STDIN_FILENO, &rd), max_fd = STDIN_FILENO;
        if (dh_curl_fdset(loop, &rd, &wr, &ex, &max_fd) != 0) break;
        long ms = dh_curl_timeout_ms(loop);
        struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
        if (select(max_fd + 1, &rd, &wr, &ex, ms < 0 ? NULL : &tv) < 0) break;
        if (stdin_open && FD_ISSET(STDIN_FILENO, &rd)) { /* the program's own work */
            char buf[256];
            ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
            if (n <= 0) stdin_open = 0;
            else fprintf(stderr, "stdin: %zd bytes\n", n);
        }
        if (dh_curl_step(loop, 0) < 0) break;
    }
    dh_client_free(hub);
    dh_curl_free(loop);
    return listed == 1 ? 0 : 1;
}
