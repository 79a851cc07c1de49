/*
 * The listener of make bench-ports: accepts on 0.0.0.0:PORT for each PORT given (so
 * every address of 127/8 has the port open), sends the banner of the first port
 * ("SSH-2.0-OpenSSH_7.4") and closes, as fast as the kernel hands connections over,
 * so that neither scanner waits for it. Runs until killed.
 *   ports_listener SSH_PORT [SILENT_PORT]...
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static const char banner[] = "SSH-2.0-OpenSSH_7.4\r\n";
	struct epoll_event ev, events[16];
	int ep = epoll_create1(0), i, n, one = 1;

	if (argc < 2 || ep < 0)
		return (2);
	for (i = 1; i < argc; i++) {
		struct sockaddr_in sa;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((unsigned short)atoi(argv[i]));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4096) != 0) {
			perror("ports_listener");
			return (1);
		}
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)fd << 1 | (i == 1);
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
	for (;;) {
		n = epoll_wait(ep, events, 16, -1);
		for (i = 0; i < n; i++) {
			int lfd = (int)(events[i].data.u64 >> 1), c;

			while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				if (events[i].data.u64 & 1)
					(void)send(c, banner, sizeof(banner) - 1, MSG_NOSIGNAL);
				close(c);
			}
		}
	}
}
