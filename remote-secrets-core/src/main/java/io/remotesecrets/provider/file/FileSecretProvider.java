package io.remotesecrets.provider.file;

import io.remotesecrets.Secret;
import io.remotesecrets.spi.SecretFetchException;
import io.remotesecrets.spi.SecretFetchException.Reason;
import io.remotesecrets.spi.SecretProvider;
import io.remotesecrets.spi.SecretWatcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads secrets from files, and pushes changes: file-system events on the file's directory
 * (inotify on Linux) wake the watch thread at once, and a once-a-second check of each watched
 * file's modification time and size catches what events miss (network file systems, a
 * replaced directory). Either way a rotated file reaches the cache within about a second, and
 * requests never touch the disk.
 *
 * <p>Kubernetes-style atomic updates (a {@code ..data} symlink swapped in the directory) show as
 * events in the directory and are picked up the same way.
 */
final class FileSecretProvider implements SecretProvider {
  private static final Logger log = LoggerFactory.getLogger(FileSecretProvider.class);
  /** Secrets are small; a larger file is a misconfiguration, not a secret. */
  static final int MAX_BYTES = 1 << 20;

  private final FileProviderConfig config;
  private final Map<Path, Watched> watched = new ConcurrentHashMap<>();
  private WatchService watchService;
  private Thread watchThread;
  private volatile boolean closed;

  FileSecretProvider(FileProviderConfig config) {
    this.config = config;
  }

  @Override
  public Secret fetch(String ref, Instant deadline) throws SecretFetchException {
    return read(path(ref));
  }

  private Path path(String ref) throws SecretFetchException {
    try {
      return config.resolve(ref);
    } catch (IllegalArgumentException e) {
      throw new SecretFetchException(Reason.INVALID_REF, "invalid ref: " + e.getMessage());
    }
  }

  static Secret read(Path file) throws SecretFetchException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new SecretFetchException(Reason.NOT_FOUND, "file " + file + " does not exist");
    } catch (AccessDeniedException e) {
      throw new SecretFetchException(Reason.PERMISSION_DENIED, "file " + file + " is not readable: permission denied");
    } catch (IOException e) {
      throw new SecretFetchException(Reason.UNAVAILABLE, "cannot read file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new SecretFetchException(Reason.INVALID_REF, "file " + file + " is larger than " + MAX_BYTES + " bytes");
    }
    String s = new String(bytes, StandardCharsets.UTF_8);
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) end--;
    return Secret.of(s.substring(0, end));
  }

  @Override
  public synchronized Optional<Watch> watch(String ref, SecretWatcher watcher) {
    if (closed) return Optional.empty();
    Path file;
    try {
      file = path(ref);
    } catch (SecretFetchException e) {
      return Optional.empty();
    }
    Watched w = new Watched(file, watcher, stamp(file), readQuietly(file));
    watched.put(file, w);
    startWatching(file.getParent());
    return Optional.of(() -> watched.remove(file, w));
  }

  private void startWatching(Path dir) {
    if (watchThread == null) {
      try {
        watchService = FileSystems.getDefault().newWatchService();
      } catch (IOException | UnsupportedOperationException e) {
        log.info("file-system events unavailable ({}); checking watched files once a second", e.toString());
      }
      watchThread = new Thread(this::watchLoop, "remote-secrets-file-watch");
      watchThread.setDaemon(true);
      watchThread.start();
    }
    if (watchService != null && dir != null) {
      try {
        dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      } catch (IOException e) {
        log.debug("cannot watch directory {} ({}); checking it once a second", dir, e.toString());
      }
    }
  }

  private void watchLoop() {
    while (!closed) {
      try {
        WatchKey key = watchService == null ? null : watchService.poll(1, TimeUnit.SECONDS);
        if (watchService == null) Thread.sleep(1000);
        Set<Path> dirs = new HashSet<>();
        if (key != null) {
          key.pollEvents();
          dirs.add((Path) key.watchable());
          key.reset();
        }
        for (Watched w : watched.values()) {
          if (dirs.contains(w.file.getParent()) || !Objects.equals(stamp(w.file), w.stamp)) w.check();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("file watch failed: {}", e.toString());
      }
    }
  }

  private static String stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
    } catch (IOException e) {
      return "missing";
    }
  }

  private static Secret readQuietly(Path file) {
    try {
      return read(file);
    } catch (SecretFetchException e) {
      return null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    watched.clear();
    if (watchThread != null) watchThread.interrupt();
    if (watchService != null) {
      try {
        watchService.close();
      } catch (IOException e) {
        log.debug("closing watch service: {}", e.toString());
      }
    }
  }

  /** One watched file and what was last pushed for it. Touched by the watch thread only. */
  private static final class Watched {
    final Path file;
    final SecretWatcher watcher;
    String stamp;
    Secret last;
    boolean failed;

    Watched(Path file, SecretWatcher watcher, String stamp, Secret last) {
      this.file = file;
      this.watcher = watcher;
      this.stamp = stamp;
      this.last = last;
    }

    void check() {
      stamp = stamp(file);
      try {
        Secret v = read(file);
        if (!v.equals(last) || failed) {
          last = v;
          failed = false;
          watcher.changed(v);
        }
      } catch (SecretFetchException e) {
        if (!failed) {
          failed = true;
          watcher.failed(e);
        }
      }
    }
  }
}
