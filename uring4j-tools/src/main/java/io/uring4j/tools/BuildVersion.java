package io.uring4j.tools;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this build, for {@code --version}: {@code version.properties}, which Maven's
 * resource filtering fills in from the POM. A resource rather than the jar manifest, so that it is
 * there when the command runs from {@code target/classes} too (tests, an IDE).
 */
public final class BuildVersion implements CommandLine.IVersionProvider {
    static final String RESOURCE = "version.properties";

    /** The POM's version, such as {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path beside " + BuildVersion.class.getName());
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        String v = p.getProperty("version");
        // An unfiltered copy (a build that skipped Maven's resources phase) would say "${project.version}".
        if (v == null || v.isBlank() || v.contains("${")) throw new IllegalStateException(RESOURCE + " has no version: " + v);
        return v.strip();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"uring4j " + version()};
    }
}
