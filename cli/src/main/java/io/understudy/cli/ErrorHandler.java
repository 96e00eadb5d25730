package io.understudy.cli;

import io.understudy.config.ConfigException;
import io.understudy.model.ReplicationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns exceptions into one clear message and an exit code; stack traces only at debug level. */
final class ErrorHandler implements IExecutionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        if (e instanceof ConfigException ce) {
            cmd.getErr().println("understudy: configuration problems:");
            cmd.getErr().println(ce.getMessage());
            return ExitCodes.CONFIG;
        }
        if (e instanceof ReplicationException) {
            cmd.getErr().println("understudy: " + e.getMessage());
            log.debug("failure", e);
            return ExitCodes.FAILURE;
        }
        cmd.getErr().println("understudy: unexpected failure: " + e);
        log.error("unexpected failure", e);
        return ExitCodes.FAILURE;
    }
}
