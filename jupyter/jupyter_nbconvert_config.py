# Jupyter configuration for the docs build: mkdocs-jupyter executes the notebooks through nbconvert,
# which reads this file when JUPYTER_CONFIG_PATH names this folder (noxfile.py sets it).
#
# ipykernel >= 7.3 warns on every kernel start that talks plain TCP ("Kernel is running over TCP
# without encryption ..."). The kernelspec that ipykernel installs declares CurveZMQ support, so
# "auto" has the kernel manager provision Curve keys and the kernel encrypts its sockets: the cause of
# the warning goes away rather than the message. A kernelspec without that declaration still starts,
# unencrypted (and warns); "required" would fail the build instead.
c = get_config()  # noqa: F821 - injected by traitlets when it loads the file
c.KernelManager.transport_encryption = "auto"
