#!/bin/sh
# Creates the repository on first start (seeded from $SEED_DIR when it has files), then serves
# every repository under /srv/git over git://, with pushes allowed.
set -eu
repo="/srv/git/$REPO"
if [ ! -d "$repo" ]; then
  git init --quiet --bare --initial-branch="$BRANCH" "$repo"
  git -C "$repo" config receive.advertisePushOptions true   # for: git push -o webhook=off
  git -C "$repo" config receive.autogc false                # no gc on the way back to the pusher
  ln -s /opt/git-server/post-receive "$repo/hooks/post-receive"
  if [ -d "$SEED_DIR" ] && [ -n "$(ls -A "$SEED_DIR")" ]; then
    work=$(mktemp -d)
    git -C "$work" init --quiet --initial-branch="$BRANCH"
    cp -R "$SEED_DIR/." "$work/"
    git -C "$work" add -A
    git -C "$work" -c user.name=git-server -c user.email=git-server@localhost commit --quiet -m "seed from $SEED_DIR"
    git -C "$work" push --quiet -o webhook=off "$repo" "HEAD:refs/heads/$BRANCH"
    rm -rf "$work"
    echo "git-server: created $repo from $SEED_DIR"
  else
    echo "git-server: created empty $repo"
  fi
fi
echo "git-server: serving /srv/git on git://0.0.0.0:9418 (pushes enabled)"
exec git daemon --reuseaddr --base-path=/srv/git --export-all --enable=receive-pack \
  --informative-errors --listen=0.0.0.0 --port=9418 /srv/git
