/* relay_fdguard.h - what happens when the process runs out of file
 * descriptors while clients keep connecting.
 *
 * libwebsockets 4.1 answers a failed accept() (EMFILE/ENFILE) with an error
 * line and returns; the connection stays in the listen queue, the listener
 * stays readable, and the loop spins at full CPU writing that line (and the
 * client hangs). The relay executable defines accept() (ELF interposition,
 * as relay_tap does for recv) and, on EMFILE or ENFILE, sheds the waiting
 * connection instead: it frees the one descriptor it keeps in reserve,
 * accepts, answers "503 Service Unavailable", closes, takes the reserve
 * back, and tells lws "nothing to accept" (EAGAIN). Each waiting client is
 * refused once, cleanly, and nothing spins. Without a reserve (it could not
 * be retaken) the accept loop backs off briefly instead.
 *
 * The connection limits (--max-connections) keep the relay below the
 * descriptor limit in the first place; this is for what they cannot see
 * (other descriptors, a limit lowered from outside).
 *
 * Threads: the relay's one service thread.
 */
#ifndef RELAY_FDGUARD_H
#define RELAY_FDGUARD_H

/* The whole HTTP response sent to a client that is refused for want of
 * capacity (descriptors or connection limits). */
#define RELAY_HTTP_503 \
  "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n" \
  "Retry-After: 10\r\nConnection: close\r\n\r\n"

/* Takes the reserve descriptor. Call once before serving. */
void relay_fdguard_init (void);
/* Gives the reserve back. */
void relay_fdguard_cleanup (void);

/* Refuses a freshly accepted connection: reads what the client already
 * sent (so closing does not reset the connection and lose the answer),
 * sends RELAY_HTTP_503 without blocking. The caller closes `fd`. */
void relay_fdguard_refuse (int fd);

/* How many connections were shed for want of descriptors so far. */
unsigned long relay_fdguard_shed_count (void);

#endif
