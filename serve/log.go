package serve

import (
	"log/slog"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
)

// logMiddleware logs each session's connect and disconnect. wish's logging middleware is not used:
// it writes to charm's own logger, and the server logs through log/slog.
func logMiddleware(l *slog.Logger) wish.Middleware {
	return func(next ssh.Handler) ssh.Handler {
		return func(sess ssh.Session) {
			start := time.Now()
			logger := sessionLogger(l, sess)
			pty, _, hasPty := sess.Pty()
			logger.Info("connect", "pty", hasPty, "term", pty.Term, "width", pty.Window.Width,
				"height", pty.Window.Height, "client", sess.Context().ClientVersion())
			next(sess)
			logger.Info("disconnect", "duration", time.Since(start).Round(time.Millisecond).String())
		}
	}
}
