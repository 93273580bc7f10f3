# Part of jetty-memcached-sessions; configure it in ${jetty.base}/start.d/memcached-sessions.ini, not here.

[description]
Stores HTTP sessions in memcached: a primary copy on the session's node and a backup copy
on the next live node; a session whose node dies moves to a live node with its data.
Sticky mode (default) serves sessions from memory and keeps the memcached copy up to date;
non-sticky mode loads every request's session from memcached.
Unpack jetty-memcached-sessions-<version>.tar.gz into ${jetty.base} before enabling.

[tags]
session

[provides]
## Jetty refuses every other module that provides one of these together with this one ("Module ... provides ...,
## which is already provided by memcached-sessions"): all session-store-* and session-cache-* modules, and
## session-store-cache, which would wrap our store in a cache of its own (Jetty's xmemcached module).
session-store
session-cache
session-store-cache

[depend]
sessions

[lib]
## Exactly the jars of this version (the distribution's build writes them here), never a glob: jars that another
## version left in lib/memcached-sessions/ are not on the class path.
lib/memcached-sessions/@memcached-sessions.jar@
@classpath@

[xml]
etc/sessions/memcached/session-store.xml

[ini]
## Webapps cannot load the module's classes (ours, spymemcached, protostuff), as Jetty hides those of its own
## session stores; a webapp may still ship its own copies in WEB-INF/lib. Read by every environment (ee8 to ee11).
jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/memcached-sessions/

[ini-template]
## Memcached nodes as id:host:port, separated by spaces or commas (IPv6: n1:[::1]:11211).
## Session ids name their node; a backup copy goes to the next live node in this order.
## A single host:port without id also works: no node in the ids, no backup copy.
#jetty.session.memcached.nodes=n1:localhost:11211

## Ids of nodes used for new sessions only when no other node is live (comma or space separated).
#jetty.session.memcached.failoverNodes=

## Nodes taken out of service: ids, or id:host:port while the node still runs (its sessions then move off it
## without loss). Sessions on them move to the nodes above on their next request. See the README's node changes.
#jetty.session.memcached.retiredNodes=

## true: sessions are served from this Jetty's memory, memcached holds the copy (sticky load balancer).
## false: every request loads its session from memcached, so any Jetty can serve any request.
#jetty.session.memcached.sticky=true

## Longest wait for one memcached operation (ms); a node that does not answer in time is marked down.
#jetty.session.memcached.operationTimeout.millis=1000

## Sticky mode: write the memcached copy after the response without making the request wait for it.
#jetty.session.memcached.backupAsync=true

## Prefix for every memcached key (at most 64 printable ASCII characters, no spaces).
#jetty.session.memcached.keyPrefix=

## memcached protocol: text or binary (binary is required for SASL authentication).
#jetty.session.memcached.protocol=text

## SASL credentials, used when username is not empty (requires protocol=binary; a password without a username
## stops Jetty). A refused login is logged once per node, counted (authenticationFailures) and the node is down.
#jetty.session.memcached.username=
#jetty.session.memcached.password=
## The one SASL mechanism used: PLAIN (the password travels in the clear) or CRAM-MD5 (it does not). Give memcached
## a mech_list that names it: without one, Debian's memcached -S also offers ANONYMOUS, which lets anyone in.
#jetty.session.memcached.saslMechanism=PLAIN

## Interval between liveness probes of every node (ms); a node that answers again is used again.
#jetty.session.memcached.nodeProbeInterval.millis=1000

## Most asynchronous writes waiting to be sent; when full, the request thread writes itself.
#jetty.session.memcached.asyncQueueCapacity=10000
## Most bytes of asynchronous writes waiting to be sent; when reached, the request thread writes itself.
#jetty.session.memcached.asyncQueueBytes=67108864
## At stop, longest wait (ms) for queued asynchronous writes (what is still unwritten then is logged and counted),
## and, non-sticky, for the requests in flight that may hold session locks (so that none is left behind).
#jetty.session.memcached.asyncStopTimeout.millis=5000

## Sticky mode: a Jetty serves its in-memory copy of a session without asking memcached for at most this long (ms);
## then one small read (the copy's version, not its value) confirms that no other Jetty wrote or ended it since.
## 0 = confirm on every request; -1 = never (trust the cookie's worker suffix, as msm does).
#jetty.session.memcached.stickyRevalidate.millis=1000

## true: at the end of a request only the attributes it read or set are checked for changes made in place
## (values of immutable types never are); false: every attribute is serialized and compared at the end of every
## request, for applications that change objects they kept from an earlier request without reading them again.
#jetty.session.memcached.trackTouchedAttributes=true

## Non-sticky mode: which requests hold their session's lock while they run, so that parallel requests
## cannot overwrite each other's changes: none, all, auto (all but paths learned to be read-only) or
## uriPattern:<regex> (regex matched against the request path, e.g. uriPattern:^/shop/cart/.*).
#jetty.session.memcached.lockingMode=none
## Longest wait for a session lock (ms).
#jetty.session.memcached.lockTimeout.millis=2000
## Expiry of a lock key in memcached (s): a crashed holder cannot block a session longer than this.
#jetty.session.memcached.lockExpiration.seconds=30
## On lock timeout: proceed (serve without the lock) or reject (503 with Retry-After).
#jetty.session.memcached.lockTimeoutAction=proceed
## lockingMode=auto: the most request paths remembered as read-only or modifying (least recently used out; a
## forgotten path locks again until learned anew). Paths answered 404 or with an error are not learned.
#jetty.session.memcached.lockAutoMaxPaths=10000

## Request paths (regex, whole path) that neither load, store nor create a session, e.g. static resources.
#jetty.session.memcached.ignorePattern=.*\.(ico|png|gif|jpg|jpeg|svg|css|js|woff2?)$

## The name of this Jetty in session cookies (<random>-<node>.<workerName>); unique per Jetty, no dots.
## Defined by Jetty's sessions module (start.d/sessions.ini); shown here for completeness.
#jetty.sessionIdManager.workerName=node1

## Jetty's store periods (seconds), as for Jetty's own session stores.
## savePeriod: minimum time between writes of a session whose attributes did not change (0 = every request).
#jetty.session.savePeriod.seconds=0
## gracePeriod: how long after expiry a session last used by another node is left to it before this node scavenges it.
#jetty.session.gracePeriod.seconds=3600

## Attribute serialization: protostuff (fast, compact; Java serialization per attribute where protostuff cannot
## copy a value exactly), java, or the class name of an AttributeCodec. Stored sessions stay readable after a change.
#jetty.session.memcached.serializer=protostuff
## Compress stored values larger than this (bytes, JDK Deflater at its fastest level).
#jetty.session.memcached.compressionThreshold.bytes=16384
## Do not write sessions larger than this after compression (bytes): the previous copy stays, the refusal is
## logged with the largest attributes and counted. Keep it below memcached's item size limit (-I, 1 MB by default).
#jetty.session.memcached.maxSessionSize.bytes=1000000
## HMAC-SHA256 keys (each at least 16 characters), comma separated: the first signs, any of them verifies, so a
## new key can be put first and the old one dropped after the session timeout. Empty: values are not signed.
#jetty.session.memcached.signingKey=
## JDK ObjectInputFilter pattern for deserialized classes; empty means the built-in default (depth, reference and
## array limits plus a deny-list of known gadget packages). End with !* to allow only the classes listed. Its limits
## bound protostuff values too (a limit left out is then the default's).
#jetty.session.memcached.deserializationFilter=
