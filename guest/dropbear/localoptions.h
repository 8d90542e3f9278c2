/* PopcornJ's compile-time options for Dropbear: scripts/guest-dropbear copies this file into the
 * source tree as localoptions.h, whose definitions replace those of default_options.h. Changing
 * it changes the cache key. */

/* Logins by public key alone (root's ~/.ssh/authorized_keys), never by password. */
#define DROPBEAR_SVR_PASSWORD_AUTH 0

/* Host keys where the image keeps an empty /etc/dropbear; `dropbear -R` creates them at the
 * first connection. */
#define ED25519_PRIV_FILENAME "/etc/dropbear/dropbear_ed25519_host_key"
#define ECDSA_PRIV_FILENAME "/etc/dropbear/dropbear_ecdsa_host_key"
#define RSA_PRIV_FILENAME "/etc/dropbear/dropbear_rsa_host_key"

/* scp runs the client through its link in the image. */
#define DROPBEAR_PATH_SSH_PROGRAM "/usr/bin/dbclient"

/* No X server and no sftp-server program in the image. */
#define DROPBEAR_X11FWD 0
#define DROPBEAR_SFTPSERVER 0

/* Where busybox's applets are. */
#define DEFAULT_PATH "/usr/bin:/bin"
#define DEFAULT_ROOT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
