package dev.pushbench.runner.cli;

import dev.pushbench.model.control.ControlChannel.ChannelClosedException;
import dev.pushbench.model.control.ControlCodec;
import dev.pushbench.model.control.ControlMessage;
import dev.pushbench.model.control.LineChannel;
import java.time.Duration;

/**
 * The loop of a child process the runner steers ({@code pushbench serve}, {@code pushbench relay}): it answers
 * each command until {@code stop} or the end of its input (the runner is gone), and tells the runner of a
 * command it does not know, naming those it does.
 *
 * <pre>
 *   return CommandLoop.answer(runner, "get-clock, stop", command ->
 *           command instanceof ControlMessage.GetClock ? new ControlMessage.Clock(System.nanoTime()) : null);
 * </pre>
 */
final class CommandLoop {
    private CommandLoop() {
    }

    /** What a child says last, asked to stop: its state once it has stopped its work. */
    interface Farewell {
        ControlMessage last() throws Exception;
    }

    /** What a child says to one command; null for a command it does not know. */
    interface Answers {
        ControlMessage answer(ControlMessage command) throws Exception;
    }

    /**
     * Answers the runner until {@code stop} or the end of its input.
     *
     * @param known the commands {@code answers} knows besides {@code stop}, for the error about another
     * @return {@link Cli#OK}
     */
    static int answer(LineChannel runner, String known, Answers answers) throws Exception {
        return answer(runner, known, answers, null);
    }

    /**
     * Answers the runner until {@code stop}, to which it answers with {@code farewell}'s message (when given), or
     * the end of its input.
     */
    static int answer(LineChannel runner, String known, Answers answers, Farewell farewell) throws Exception {
        for (;;) {
            ControlMessage command;
            try {
                command = runner.receive(Duration.ofSeconds(1));
            } catch (ChannelClosedException runnerGone) {
                return Cli.OK;
            }
            if (command == null) {
                continue;
            }
            if (command instanceof ControlMessage.Stop) {
                if (farewell != null) {
                    runner.send(farewell.last());
                }
                return Cli.OK;
            }
            ControlMessage answer = answers.answer(command);
            runner.send(answer != null ? answer : new ControlMessage.Error("unknown command '"
                    + ControlCodec.typeName(command.getClass()) + "', known: " + known + ", stop"));
        }
    }
}
