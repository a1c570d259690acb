#!/usr/bin/perl
# Opens the listening socket once and hands it down as stdin: nodemon passes its stdin to every
# server it starts ("stdin": false in nodemon.json), and each server accepts from that socket
# (LISTEN_FD=0). While an old server finishes and its successor starts, new connections wait in
# the kernel's backlog instead of being refused, so a restart drops nothing.
use strict;
use warnings;
use Socket;
use POSIX ();

my $port = $ENV{PORT} // 8080;
my $host = $ENV{HOST} // '0.0.0.0';
socket(my $s, PF_INET, SOCK_STREAM, 0) or die "launch: socket: $!\n";
setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1) or die "launch: setsockopt: $!\n";
bind($s, pack_sockaddr_in($port, inet_aton($host))) or die "launch: bind $host:$port: $!\n";
listen($s, 1024) or die "launch: listen: $!\n";
POSIX::dup2(fileno($s), 0) or die "launch: dup2: $!\n";
$ENV{LISTEN_FD} = 0;
exec { $ARGV[0] } @ARGV or die "launch: exec $ARGV[0]: $!\n";
