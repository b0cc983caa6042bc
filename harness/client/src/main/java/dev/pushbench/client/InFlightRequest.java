package dev.pushbench.client;

import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;

/**
 * A subscriber connection's current Jetty request, which another thread may abort when the
 * subscriber stops. A send and an abort never overlap, and nothing is sent once aborted: Jetty
 * 12.1.14's {@code Request.abort} throws a NullPointerException when it runs while {@code send} is
 * still building the exchange ({@code HttpExchange}'s constructor adds the exchange to its
 * conversation before it sets the conversation's response listeners, and the abort finds it there).
 * A quick run's load generator died of that once, stopping a short-polling subscriber during
 * its warm-up.
 *
 * <pre>
 *   InFlightRequest current = new InFlightRequest();
 *   current.send(request, listener);        // false once aborted: nothing was sent
 *   current.abort(new CancellationException("subscriber closed"));
 * </pre>
 */
public final class InFlightRequest {
    private Request request;
    private boolean aborted;

    /** Sends {@code request} unless aborted; returns whether it was sent. Listeners may run inside. */
    public synchronized boolean send(Request request, Response.CompleteListener listener) {
        if (aborted) {
            return false;
        }
        this.request = request;
        request.send(listener);
        return true;
    }

    /** Aborts the request in flight, if any, and closes its connection; later sends do nothing. */
    public void abort(Throwable reason) {
        Request r;
        synchronized (this) {
            aborted = true;
            r = request;
        }
        if (r != null) {
            Connection c = r.getConnection();
            r.abort(reason);
            if (c != null) {
                c.close();
            }
        }
    }
}
